import Foundation

/// How a text becomes tokens: Unicode words (NFC, optionally lower-cased), word n-grams and
/// character n-grams of each word (fastText's subwords).
///
/// A word is a run of letters, combining marks and digits; every other character separates words,
/// and each CJK ideograph is a word of its own (Chinese and Japanese do not separate words with
/// spaces). Word n-grams (`wordNgrams` 2 adds bigrams) are written with a space, `"new york"`.
/// Character n-grams are those of `<word>` with lengths in `characterNgrams`, as fastText makes
/// them (the boundary marks `<` and `>` alone are not n-grams): `"<ca"`, `"cat"`, `"at>"` for 3.
public struct Tokenizer: Codable, Sendable, Equatable {
    /// Whether words are lower-cased (full Unicode case mapping). Default true.
    public var lowercase: Bool
    /// The longest word n-gram: 1 gives words only, 2 adds bigrams. Default 1.
    public var wordNgrams: Int
    /// The lengths of character n-grams of each word, or nil for none. Default nil.
    public var characterNgrams: ClosedRange<Int>?

    /// The longest word or character n-gram a tokenizer makes: far above any useful setting, and
    /// a bound on the work a tokenizer read from a model file can ask for.
    public static let maximumNgram = 64

    /// A tokenizer of Unicode words, lowercased by default, adding word n-grams up to `wordNgrams` and character n-grams of the given lengths.
    public init(lowercase: Bool = true, wordNgrams: Int = 1, characterNgrams: ClosedRange<Int>? = nil) {
        if let problem = Self.problem(wordNgrams: wordNgrams, characterNgrams: characterNgrams) { preconditionFailure("Tokenizer: \(problem)") }
        self.lowercase = lowercase
        self.wordNgrams = wordNgrams
        self.characterNgrams = characterNgrams
    }

    /// Decodes and checks the settings (a model file may hold anything).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let wordNgrams = try container.decode(Int.self, forKey: .wordNgrams)
        let characterNgrams = try container.decodeIfPresent(ClosedRange<Int>.self, forKey: .characterNgrams)
        if let problem = Self.problem(wordNgrams: wordNgrams, characterNgrams: characterNgrams) {
            throw DecodingError.dataCorruptedError(forKey: .wordNgrams, in: container, debugDescription: problem)
        }
        self.init(lowercase: try container.decode(Bool.self, forKey: .lowercase), wordNgrams: wordNgrams, characterNgrams: characterNgrams)
    }

    private enum CodingKeys: String, CodingKey { case lowercase, wordNgrams, characterNgrams }

    /// What is wrong with these settings, or nil.
    private static func problem(wordNgrams: Int, characterNgrams: ClosedRange<Int>?) -> String? {
        if !(1...maximumNgram).contains(wordNgrams) { return "word n-grams must be 1 to \(maximumNgram) words long, got \(wordNgrams)" }
        if let lengths = characterNgrams, lengths.lowerBound < 1 || lengths.upperBound > maximumNgram {
            return "character n-grams must be 1 to \(maximumNgram) characters long, got \(lengths.lowerBound)...\(lengths.upperBound)"
        }
        return nil
    }

    /// The words of `text`, in order.
    public func words(_ text: String) -> [String] {
        let normalized = text.precomposedStringWithCanonicalMapping
        let cased = lowercase ? normalized.lowercased() : normalized
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty { words.append(String(current)) }
            current = String.UnicodeScalarView()
        }
        for scalar in cased.unicodeScalars {
            if scalar.properties.isIdeographic {
                flush()
                current.append(scalar)
                flush()
            } else if Self.isWordCharacter(scalar) {
                current.append(scalar)
            } else {
                flush()
            }
        }
        flush()
        return words
    }

    /// The word n-grams of `words` longer than one word (`"a b"`, `"b c"` for bigrams), in order.
    public func wordNgrams(of words: [String]) -> [String] {
        guard wordNgrams >= 2 else { return [] }
        var result: [String] = []
        for n in 2...wordNgrams where n <= words.count {
            for start in 0...(words.count - n) { result.append(words[start..<start + n].joined(separator: " ")) }
        }
        return result
    }

    /// The character n-grams of one word, from `<word>`, shortest first.
    public func characterNgrams(of word: String) -> [String] {
        guard let lengths = characterNgrams else { return [] }
        let scalars = Array(("<" + word + ">").unicodeScalars)
        var result: [String] = []
        for n in lengths where n <= scalars.count {
            for start in 0...(scalars.count - n) {
                // The boundary marks alone are not n-grams.
                if n == 1 && (start == 0 || start == scalars.count - 1) { continue }
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[start..<start + n])
                result.append(String(view))
            }
        }
        return result
    }

    /// Letters, marks and numbers continue a word.
    static func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            true
        default: false
        }
    }
}
