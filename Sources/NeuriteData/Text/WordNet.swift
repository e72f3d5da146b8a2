import Foundation

/// WordNet 3.0 as Debian's `wordnet-base` installs it (`/usr/share/wordnet`: `index.POS`,
/// `data.POS` and `POS.exc` for nouns, verbs, adjectives and adverbs), read directly: no NLTK.
///
/// Lookups follow NLTK's `wordnet.synsets(word)`: the word lower-cased with spaces as `_`, its
/// base forms found by morphy (the exception lists, else the detachment rules: `dogs` → `dog`,
/// `ran` → `run`), then every sense in index order, parts of speech in the order noun, verb,
/// adjective, adverb. `synonyms(_:)` is what EDA (Wei & Zou 2019) replaces words with.
///
/// File formats (WordNet's `wndb(5WN)`): an index line is `lemma pos synset_cnt p_cnt
/// [ptr_symbol × p_cnt] sense_cnt tagsense_cnt offset × synset_cnt`; a data line starts at its
/// synset's byte offset: `offset lex_filenum ss_type w_cnt(hex) [word lex_id] × w_cnt …`. Lines
/// starting with two spaces are the licence.
public final class WordNet: Sendable {
    /// Where Debian's `wordnet-base` puts the database.
    public static let defaultDirectory = "/usr/share/wordnet"

    /// WordNet's four parts of speech, by their letter in the files (adjective satellites, `s`,
    /// live with the adjectives).
    public enum PartOfSpeech: String, CaseIterable, Sendable {
        /// Nouns (`data.noun`).
        case noun = "n"
        /// Verbs (`data.verb`).
        case verb = "v"
        /// Adjectives (`data.adj`).
        case adjective = "a"
        /// Adverbs (`data.adv`).
        case adverb = "r"

        var fileName: String {
            switch self {
            case .noun: "noun"
            case .verb: "verb"
            case .adjective: "adj"
            case .adverb: "adv"
            }
        }

        /// Morphy's detachment rules (the table of NLTK and of WordNet's C library).
        var detachmentRules: [(suffix: String, replacement: String)] {
            switch self {
            case .noun:
                [("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y")]
            case .verb: [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")]
            case .adjective: [("er", ""), ("est", ""), ("er", "e"), ("est", "e")]
            case .adverb: []
            }
        }
    }

    /// One synset: its part of speech and its byte offset in `data.POS`.
    public struct Synset: Hashable, Sendable {
        /// The synset's part of speech.
        public let partOfSpeech: PartOfSpeech
        /// The synset's byte offset in its data file (WordNet's identifier).
        public let offset: Int
    }

    private struct Part: Sendable {
        var index: [String: [Int]] = [:]
        var exceptions: [String: [String]] = [:]
        var data: [UInt8] = []
    }

    private let parts: [PartOfSpeech: Part]

    /// Reads the database in `directory`.
    /// - Throws: `DataError` naming a missing or malformed file, with the `apt-get` line for
    ///   Debian's package.
    public init(directory: String = defaultDirectory) throws(DataError) {
        var parts: [PartOfSpeech: Part] = [:]
        for pos in PartOfSpeech.allCases {
            var part = Part()
            let indexPath = "\(directory)/index.\(pos.fileName)"
            guard FileManager.default.fileExists(atPath: indexPath) else {
                throw DataError(file: indexPath, "missing; WordNet comes with Debian's wordnet-base: run 'apt-get install wordnet-base'")
            }
            for (number, line) in try Self.lines(indexPath).enumerated() where !line.hasPrefix("  ") && !line.isEmpty {
                let fields = line.split(separator: " ")
                guard fields.count >= 4, let synsets = Int(fields[2]), let pointers = Int(fields[3]), fields.count == 6 + pointers + synsets
                else { throw DataError(file: indexPath, location: "line \(number + 1)", "is not an index line of WordNet 3.0") }
                part.index[String(fields[0])] = fields[(6 + pointers)...].compactMap { Int($0) }
            }
            let exceptionsPath = "\(directory)/\(pos.fileName).exc"
            if FileManager.default.fileExists(atPath: exceptionsPath) {
                for line in try Self.lines(exceptionsPath) {
                    let fields = line.split(separator: " ").map(String.init)
                    // The last line for a form wins, as in NLTK.
                    if fields.count >= 2 { part.exceptions[fields[0]] = Array(fields.dropFirst()) }
                }
            }
            let dataPath = "\(directory)/data.\(pos.fileName)"
            guard let data = FileManager.default.contents(atPath: dataPath) else { throw DataError(file: dataPath, "missing or unreadable") }
            part.data = [UInt8](data)
            parts[pos] = part
        }
        self.parts = parts
    }

    private static func lines(_ path: String) throws(DataError) -> [Substring] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(validating: data, as: UTF8.self) else {
            throw DataError(file: path, "unreadable or not UTF-8")
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The base forms of `form` as `pos` that WordNet lists (morphy): the form itself, or its
    /// exceptions, or the detachment rules' candidates, in that order, each once.
    public func baseForms(of form: String, as pos: PartOfSpeech) -> [String] {
        let part = parts[pos]!
        let candidates =
            part.exceptions[form].map { [form] + $0 }
            ?? [form] + pos.detachmentRules.filter { form.hasSuffix($0.suffix) }.map { String(form.dropLast($0.suffix.count)) + $0.replacement }
        var result: [String] = []
        for candidate in candidates where part.index[candidate] != nil && !result.contains(candidate) { result.append(candidate) }
        return result
    }

    /// The senses of `word`, as NLTK's `wordnet.synsets(word)` lists them.
    public func synsets(_ word: String) -> [Synset] {
        let form = word.lowercased().replacingOccurrences(of: " ", with: "_")
        var result: [Synset] = []
        var seen = Set<Synset>()
        for pos in [PartOfSpeech.noun, .verb, .adjective, .adverb] {
            for base in baseForms(of: form, as: pos) {
                for offset in parts[pos]!.index[base]! {
                    let synset = Synset(partOfSpeech: pos, offset: offset)
                    if seen.insert(synset).inserted { result.append(synset) }
                }
            }
        }
        return result
    }

    /// The words of a synset, as written (`_` for spaces), adjective markers such as `(p)`
    /// removed; empty for an offset that does not start a synset.
    public func words(of synset: Synset) -> [String] {
        let data = parts[synset.partOfSpeech]!.data
        guard synset.offset >= 0, synset.offset < data.count else { return [] }
        let end = data[synset.offset...].firstIndex(of: UInt8(ascii: "\n")) ?? data.count
        let fields = String(decoding: data[synset.offset..<end], as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count > 4, Int(fields[0]) == synset.offset, let count = Int(fields[3], radix: 16), fields.count >= 4 + 2 * count else {
            return []
        }
        return (0..<count).map { index in
            var word = String(fields[4 + 2 * index])
            for marker in ["(a)", "(p)", "(ip)"] where word.hasSuffix(marker) { word.removeLast(marker.count) }
            return word
        }
    }

    /// Every word of every sense of `word`, each once, in sense order.
    public func lemmaNames(_ word: String) -> [String] {
        var result: [String] = []
        for synset in synsets(word) { for name in words(of: synset) where !result.contains(name) { result.append(name) } }
        return result
    }

    /// EDA's synonyms of `word`: the lemma names with `_` and `-` as spaces, lower-cased, only the
    /// letters a–z and spaces kept, without `word` itself, each once, in WordNet's order.
    public func synonyms(_ word: String) -> [String] {
        var result: [String] = []
        for name in lemmaNames(word) {
            let spaced = name.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ").lowercased()
            let kept = String(spaced.unicodeScalars.filter { $0 == " " || ("a"..."z").contains($0) }.map(Character.init))
            if !kept.isEmpty && kept != word && !result.contains(kept) { result.append(kept) }
        }
        return result
    }
}
