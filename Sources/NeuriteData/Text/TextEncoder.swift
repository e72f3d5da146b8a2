/// Turns texts into the integer ids an embedding table reads: words through a `Vocabulary`, and
/// word and character n-grams hashed into `buckets` extra ids after the vocabulary's (fastText's
/// bucket trick: no list of n-grams to store; colliding n-grams share a row).
///
/// Ids of one text, in order: its words (unknown words as `<unk>`), then its word n-grams, then
/// each word's character n-grams; at most `maximumLength` of them. The encoder is saved in a
/// model file so that the model reads raw text.
public struct TextEncoder: Codable, Sendable, Equatable {
    /// How texts split into tokens.
    public var tokenizer: Tokenizer
    /// The word ids.
    public var vocabulary: Vocabulary
    /// How many hashed n-gram ids follow the vocabulary's (0: n-grams are not used).
    public var buckets: Int
    /// The most ids kept per text (the first ones).
    public var maximumLength: Int

    /// An encoder of `vocabulary` ids plus `buckets` hashed n-gram ids, cutting texts at `maximumLength` tokens.
    public init(tokenizer: Tokenizer, vocabulary: Vocabulary, buckets: Int = 0, maximumLength: Int = 4096) {
        if let problem = Self.problem(tokenizer: tokenizer, vocabulary: vocabulary, buckets: buckets, maximumLength: maximumLength) {
            preconditionFailure("TextEncoder: \(problem)")
        }
        self.tokenizer = tokenizer
        self.vocabulary = vocabulary
        self.buckets = buckets
        self.maximumLength = maximumLength
    }

    /// Decodes and checks the settings (a model file may hold anything).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let (tokenizer, vocabulary) = (
            try container.decode(Tokenizer.self, forKey: .tokenizer), try container.decode(Vocabulary.self, forKey: .vocabulary)
        )
        let (buckets, maximumLength) = (try container.decode(Int.self, forKey: .buckets), try container.decode(Int.self, forKey: .maximumLength))
        if let problem = Self.problem(tokenizer: tokenizer, vocabulary: vocabulary, buckets: buckets, maximumLength: maximumLength) {
            throw DecodingError.dataCorruptedError(forKey: .buckets, in: container, debugDescription: problem)
        }
        self.init(tokenizer: tokenizer, vocabulary: vocabulary, buckets: buckets, maximumLength: maximumLength)
    }

    private enum CodingKeys: String, CodingKey { case tokenizer, vocabulary, buckets, maximumLength }

    /// What is wrong with these settings, or nil. Ids must stay exact in `Float` (below 2²⁴).
    private static func problem(tokenizer: Tokenizer, vocabulary: Vocabulary, buckets: Int, maximumLength: Int) -> String? {
        if buckets < 0 || vocabulary.count + buckets > 1 << 24 {
            return "\(vocabulary.count) words and \(buckets) buckets: the ids must number at most 16,777,216 (2²⁴)"
        }
        if buckets == 0 && (tokenizer.wordNgrams > 1 || tokenizer.characterNgrams != nil) {
            return "the tokenizer makes n-grams, which need buckets > 0"
        }
        if !(1...(1 << 20)).contains(maximumLength) { return "maximumLength must be 1 to 1,048,576 ids, got \(maximumLength)" }
        return nil
    }

    /// An encoder whose vocabulary holds the words of `texts` seen at least `minimumCount` times
    /// (at most `maximumVocabularySize`).
    public init(
        fitting texts: [String], tokenizer: Tokenizer, minimumCount: Int = 1, maximumVocabularySize: Int? = nil,
        buckets: Int = 0, maximumLength: Int = 4096
    ) {
        let vocabulary = Vocabulary(counting: texts.lazy.map(tokenizer.words), minimumCount: minimumCount, maximumSize: maximumVocabularySize)
        self.init(tokenizer: tokenizer, vocabulary: vocabulary, buckets: buckets, maximumLength: maximumLength)
    }

    /// The number of distinct ids: the rows an embedding table needs.
    public var idCount: Int { vocabulary.count + buckets }

    /// The ids of `text` (empty for a text without words).
    public func encode(_ text: String) -> [Int] {
        let words = tokenizer.words(text)
        var ids = words.map(vocabulary.id(of:))
        if buckets > 0 {
            for ngram in tokenizer.wordNgrams(of: words) { ids.append(bucketID(ngram)) }
            if let lengths = tokenizer.characterNgrams {
                for word in words {
                    if ids.count >= maximumLength { break }
                    appendCharacterNgramIDs(of: word, lengths: lengths, to: &ids)
                }
            }
        }
        if ids.count > maximumLength { ids.removeLast(ids.count - maximumLength) }
        return ids
    }

    /// The ids of `Tokenizer.characterNgrams(of:)`, in its order, hashed straight from the UTF-8
    /// bytes of the word without making a string per n-gram (encoding is most of the work of
    /// reading a text set).
    private func appendCharacterNgramIDs(of word: String, lengths: ClosedRange<Int>, to ids: inout [Int]) {
        // Each scalar's UTF-8 bytes, with the boundary marks.
        var bytes: [UInt8] = [UInt8(ascii: "<")]
        var starts: [Int] = [0]
        for scalar in word.unicodeScalars {
            starts.append(bytes.count)
            bytes.append(contentsOf: UTF8.encode(scalar)!)
        }
        starts.append(bytes.count)
        bytes.append(UInt8(ascii: ">"))
        starts.append(bytes.count)
        let count = starts.count - 1
        for n in lengths where n <= count {
            for start in 0...(count - n) {
                if n == 1 && (start == 0 || start == count - 1) { continue }
                var hash: UInt32 = 2_166_136_261
                for index in starts[start]..<starts[start + n] {
                    hash ^= UInt32(bytes[index])
                    hash = hash &* 16_777_619
                }
                ids.append(vocabulary.count + Int(hash % UInt32(buckets)))
            }
        }
    }

    /// The tokens behind `encode(text)`'s ids, position for position (an n-gram's own text, not
    /// whatever else shares its bucket): what attributions are printed against.
    public func tokens(_ text: String) -> [String] {
        let words = tokenizer.words(text)
        var tokens = words.map { vocabulary.contains($0) ? $0 : Vocabulary.unknownToken }
        if buckets > 0 {
            tokens += tokenizer.wordNgrams(of: words)
            for word in words {
                if tokens.count >= maximumLength { break }
                tokens += tokenizer.characterNgrams(of: word)
            }
        }
        return Array(tokens.prefix(maximumLength))
    }

    /// The id of an n-gram: the vocabulary's size plus its 32-bit FNV-1a hash (of its UTF-8
    /// bytes) modulo `buckets`.
    public func bucketID(_ ngram: String) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in ngram.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return vocabulary.count + Int(hash % UInt32(buckets))
    }
}
