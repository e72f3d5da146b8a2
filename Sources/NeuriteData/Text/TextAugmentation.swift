import NeuriteCore

/// EDA, "Easy Data Augmentation" for text (Wei & Zou, 2019): new training sentences made from a
/// sentence by four label-preserving edits, with WordNet's synonyms.
///
/// The sentence is cleaned first as the reference does: apostrophes removed, lower-cased,
/// everything but a–z a space. With `n = max(1, ⌊α · words⌋)`:
/// - `synonyms` (SR): `n` distinct words that are not stop words are each replaced, everywhere,
///   by a random synonym;
/// - `insert` (RI): `n` times, a random synonym of a random non-stop word is inserted at a random
///   place (the paper's rule; the reference code takes the first synonym of any word);
/// - `swap` (RS): `n` times, two random words trade places;
/// - `delete` (RD): each word is deleted with probability `p` (one random word is kept when all
///   would go).
/// `augment` makes `⌊count / k⌋ + 1` sentences per operation (`k` operations chosen), shuffles
/// them and keeps `count`. Every random choice comes from the generator passed in, so a seed gives
/// the same sentences on every machine (the reference iterates Python sets, whose order varies).
/// Back-translation, the essay's other text augmentation, needs a translation model, which cannot
/// be had offline; it is not offered.
public struct TextAugmentation: Sendable {
    /// EDA's four edits (SR, RI, RS, RD above), named as `neurite train --augment` names them.
    public enum Operation: String, CaseIterable, Sendable {
        /// EDA's four edits: replace words by WordNet synonyms, insert a synonym of a word, swap two words, delete words.
        case synonyms, insert, swap, delete
    }

    /// The edits to choose from, one per augmented text.
    public var operations: [Operation]
    /// The share of words each of SR, RI and RS changes (α; 0.1 as in the paper).
    public var fraction: Double
    /// The probability that RD deletes a word (0.1).
    public var deletionProbability: Double
    private let wordNet: WordNet?

    /// `wordNet` is needed by `synonyms` and `insert` (nil is enough for `swap` and `delete`).
    public init(operations: [Operation] = Operation.allCases, fraction: Double = 0.1, deletionProbability: Double = 0.1, wordNet: WordNet?) {
        precondition(!operations.isEmpty, "TextAugmentation: no operations")
        precondition(
            wordNet != nil || !operations.contains(where: { $0 == .synonyms || $0 == .insert }),
            "TextAugmentation: synonym replacement and insertion need WordNet")
        precondition((0...1).contains(fraction) && (0...1).contains(deletionProbability), "TextAugmentation: α and p must be in [0, 1]")
        self.operations = operations
        self.fraction = fraction
        self.deletionProbability = deletionProbability
        self.wordNet = wordNet
    }

    /// The 127 stop words of the reference implementation (NLTK's English list, lightly edited).
    public static let stopWords: Set<String> = Set(
        """
        i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its \
        itself they them their theirs themselves what which who whom this that these those am is are was were be been being have \
        has had having do does did doing a an the and but if or because as until while of at by for with about against between \
        into through during before after above below to from up down in out on off over under again further then once here there \
        when where why how all any both each few more most other some such no nor not only own same so than too very s t can will \
        just don should now
        """.split(separator: " ").map(String.init))

    /// The reference's cleaning: apostrophes removed, hyphens and every other character but a–z
    /// a space, lower-cased, spaces collapsed.
    public static func clean(_ text: String) -> [String] {
        let lowered = text.replacingOccurrences(of: "\u{2019}", with: "").replacingOccurrences(of: "'", with: "").lowercased()
        let kept = String(lowered.unicodeScalars.map { ("a"..."z").contains($0) ? Character($0) : " " })
        return kept.split(separator: " ").map(String.init)
    }

    /// `count` augmented versions of `text` (fewer when it has no words: none).
    public func augment(_ text: String, count: Int, generator: inout PhiloxGenerator) -> [String] {
        let words = Self.clean(text)
        guard !words.isEmpty, count > 0 else { return [] }
        let changed = max(1, Int(fraction * Double(words.count)))
        let perOperation = count / operations.count + 1
        var sentences: [[String]] = []
        for operation in operations {
            for _ in 0..<perOperation {
                switch operation {
                case .synonyms: sentences.append(replacingSynonyms(words, count: changed, generator: &generator))
                case .insert: sentences.append(insertingSynonyms(words, count: changed, generator: &generator))
                case .swap: sentences.append(swapping(words, count: changed, generator: &generator))
                case .delete: sentences.append(deleting(words, generator: &generator))
                }
            }
        }
        sentences.shuffle(using: &generator)
        return sentences.prefix(count).map { $0.joined(separator: " ") }
    }

    /// One edited version of `text`: one of `operations`, chosen uniformly, applied once (the
    /// unit a loader transform draws; `augment(_:count:generator:)` is the paper's batch of
    /// copies). A text without words comes back unchanged.
    public func edit(_ text: String, generator: inout PhiloxGenerator) -> String {
        let words = Self.clean(text)
        guard !words.isEmpty else { return text }
        let changed = max(1, Int(fraction * Double(words.count)))
        let edited: [String] =
            switch operations[Int.random(in: 0..<operations.count, using: &generator)] {
            case .synonyms: replacingSynonyms(words, count: changed, generator: &generator)
            case .insert: insertingSynonyms(words, count: changed, generator: &generator)
            case .swap: swapping(words, count: changed, generator: &generator)
            case .delete: deleting(words, generator: &generator)
            }
        return edited.joined(separator: " ")
    }

    /// The words an edit of `text` can bring in that it may not hold: every synonym of its words
    /// that are not stop words (multi-word synonyms split), when `synonyms` or `insert` is among
    /// the operations; none otherwise. A vocabulary fitted to these as well gives the synonyms rows
    /// of their own.
    public func introducedWords(_ text: String) -> [String] {
        guard operations.contains(.synonyms) || operations.contains(.insert) else { return [] }
        return Set(Self.clean(text)).sorted().flatMap { synonyms(of: $0).flatMap { $0.split(separator: " ").map(String.init) } }
    }

    private func synonyms(of word: String) -> [String] { Self.stopWords.contains(word) ? [] : wordNet?.synonyms(word) ?? [] }

    func replacingSynonyms(_ words: [String], count: Int, generator: inout PhiloxGenerator) -> [String] {
        var candidates = Set(words.filter { !Self.stopWords.contains($0) }).sorted()
        candidates.shuffle(using: &generator)
        var result = words
        var done = 0
        for word in candidates {
            let choices = wordNet?.synonyms(word) ?? []
            if let synonym = choices.randomElement(using: &generator) {
                result = result.map { $0 == word ? synonym : $0 }
                done += 1
            }
            if done >= count { break }
        }
        // A synonym of several words ("ice cream") becomes several words.
        return result.joined(separator: " ").split(separator: " ").map(String.init)
    }

    func insertingSynonyms(_ words: [String], count: Int, generator: inout PhiloxGenerator) -> [String] {
        var result = words
        for _ in 0..<count {
            for _ in 0..<10 {
                let word = result[Int.random(in: 0..<result.count, using: &generator)]
                if let synonym = synonyms(of: word).randomElement(using: &generator) {
                    result.insert(synonym, at: Int.random(in: 0...result.count, using: &generator))
                    break
                }
            }
        }
        return result.joined(separator: " ").split(separator: " ").map(String.init)
    }

    func swapping(_ words: [String], count: Int, generator: inout PhiloxGenerator) -> [String] {
        var result = words
        guard result.count >= 2 else { return result }
        for _ in 0..<count {
            let i = Int.random(in: 0..<result.count, using: &generator)
            var j = Int.random(in: 0..<result.count, using: &generator)
            var tries = 0
            while j == i && tries < 3 {
                j = Int.random(in: 0..<result.count, using: &generator)
                tries += 1
            }
            result.swapAt(i, j)
        }
        return result
    }

    func deleting(_ words: [String], generator: inout PhiloxGenerator) -> [String] {
        guard words.count > 1 else { return words }
        let kept = words.filter { _ in Double.random(in: 0..<1, using: &generator) > deletionProbability }
        return kept.isEmpty ? [words[Int.random(in: 0..<words.count, using: &generator)]] : kept
    }
}
