/// The words a model knows, each with an id: `<pad>` is 0, `<unk>` (any word not kept) is 1, then
/// the kept words from the most frequent down (ties in code-point order, so the same texts always
/// give the same ids).
public struct Vocabulary: Sendable, Equatable {
    /// The token that pads texts of a batch to one length (id `paddingID`, 0).
    public static let paddingToken = "<pad>"
    /// The token of every word not kept (id `unknownID`, 1).
    public static let unknownToken = "<unk>"
    /// The id of padding.
    public static let paddingID = 0
    /// The id of words not in the vocabulary.
    public static let unknownID = 1

    /// The tokens by id.
    public let tokens: [String]
    private let ids: [String: Int]

    /// A vocabulary of `tokens` after the two special ones.
    public init(tokens: [String]) {
        self.tokens = [Self.paddingToken, Self.unknownToken] + tokens
        var ids: [String: Int] = [:]
        for (id, token) in self.tokens.enumerated() where ids[token] == nil { ids[token] = id }
        self.ids = ids
    }

    /// The words of `texts` seen at least `minimumCount` times, at most `maximumSize` of them
    /// (special tokens not counted), most frequent first.
    public init(counting texts: some Sequence<[String]>, minimumCount: Int = 1, maximumSize: Int? = nil) {
        precondition(minimumCount >= 1, "Vocabulary: minimumCount must be at least 1, got \(minimumCount)")
        var counts: [String: Int] = [:]
        for words in texts { for word in words { counts[word, default: 0] += 1 } }
        var kept = counts.filter { $0.value >= minimumCount && $0.key != Self.paddingToken && $0.key != Self.unknownToken }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
            .map(\.key)
        if let maximumSize, kept.count > maximumSize { kept.removeLast(kept.count - maximumSize) }
        self.init(tokens: kept)
    }

    /// The number of ids, special tokens included.
    public var count: Int { tokens.count }

    /// The id of `token`, or `unknownID`.
    public func id(of token: String) -> Int { ids[token] ?? Self.unknownID }

    /// Whether `token` has an id of its own.
    public func contains(_ token: String) -> Bool { ids[token] != nil }
}

extension Vocabulary: Codable {
    /// Written as the list of tokens after the two special ones.
    public init(from decoder: Decoder) throws {
        let tokens = try decoder.singleValueContainer().decode([String].self)
        self.init(tokens: tokens)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Array(tokens.dropFirst(2)))
    }
}
