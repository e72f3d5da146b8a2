import Foundation

/// The two text-classification sets built from Debian's fortune packages
/// (`../shared/datasets/text/README.md` defines them; its Python scripts are the reference and
/// these readers produce the same examples, split and order, byte for byte):
///
/// - `langid`: the language of a fortune, 12 classes (bg cs de en eo es ga it pl pt ru zh),
///   78,168 training and 19,758 test texts with Debian 12's packages; attributions stripped,
///   texts cut to 256 characters.
/// - `topics`: the English category file a fortune comes from, 15 classes, 5,468 / 1,338 texts;
///   attributions kept, texts cut to 1,000 characters.
///
/// Both de-duplicate on the lower-cased letters and digits of a text (a text found under two labels
/// is dropped from both) and split on a hash of the first 40 of them, so near-duplicates land in
/// the same split.
public enum FortuneTexts {
    /// Where Debian's fortune packages install their files.
    public static let defaultDirectory = "/usr/share/games/fortunes"

    /// The command that installs what `langid` reads.
    public static let langidInstallCommand =
        "apt-get install fortunes fortunes-min fortunes-de fortunes-es fortunes-it fortunes-br fortunes-cs fortunes-pl fortunes-ru fortunes-bg fortunes-eo fortunes-ga fortunes-zh"
    /// The command that installs what `topics` reads.
    public static let topicsInstallCommand = "apt-get install fortunes fortunes-min"

    /// The language-identification set.
    /// - Throws: `DataError` naming a missing file or directory and the `apt-get` line that
    ///   installs it, or a file that cannot be read.
    public static func langid(directory: String = defaultDirectory) throws(DataError) -> TextDataSplit {
        try requirePresent(
            englishFiles + Array(otherTopLevelFiles.keys) + Array(languageDirectories.keys), in: directory, install: langidInstallCommand)
        var counters: [String: Int] = [:]
        var rows: [Row] = []
        var seenFiles = Set<String>()
        for (language, relative) in try langidFiles(in: directory) {
            let path = "\(directory)/\(relative)"
            if excludedFiles.contains(relative) || relative.hasPrefix("es/off/") { continue }
            // Several names lead to one file (the `.u8` links, `it/` and its top-level links).
            guard let real = realPath(path), isRegularFile(real), seenFiles.insert(real).inserted else { continue }
            for record in try FortuneRecords.read(real) {
                counters["records_raw", default: 0] += 1
                let body = FortuneRecords.strippingAttribution(record)
                if body != nil { counters["attributions_stripped", default: 0] += 1 }
                let collapsed = PythonText.collapsingWhitespace(body ?? record)
                if collapsed.count > 256 { counters["truncated", default: 0] += 1 }
                let text = FortuneRecords.truncated(collapsed, limit: 256, slack: 40)
                if let drop = langidDropReason(text, language: language) {
                    counters[drop, default: 0] += 1
                    continue
                }
                rows.append(Row(label: language, source: relative, text: text, key: FortuneRecords.deduplicationKey(text)))
            }
        }
        return split(rows, salt: "langid-v1", counters: counters) { ($0.label, $0.source) }
    }

    /// The topic set.
    /// - Throws: `DataError` naming a missing file and the `apt-get` line that installs it, or a
    ///   file that cannot be read.
    public static func topics(directory: String = defaultDirectory) throws(DataError) -> TextDataSplit {
        try requirePresent(topicCategories, in: directory, install: topicsInstallCommand)
        var counters: [String: Int] = [:]
        var rows: [Row] = []
        for category in topicCategories {
            for record in try FortuneRecords.read("\(directory)/\(category)") {
                counters["records_raw", default: 0] += 1
                let collapsed = PythonText.collapsingWhitespace(record)
                if collapsed.count > 1000 { counters["truncated", default: 0] += 1 }
                let text = FortuneRecords.truncated(collapsed, limit: 1000, slack: 60)
                guard text.count(where: PythonText.isAlpha) >= 10 else {
                    counters["drop_short", default: 0] += 1
                    continue
                }
                rows.append(Row(label: category, source: category, text: text, key: FortuneRecords.deduplicationKey(text)))
            }
        }
        return split(rows, salt: "topics-v1", counters: counters) { ($0.label, "") }
    }

    // MARK: The rules

    /// One cleaned text before de-duplication.
    private struct Row {
        var label: String
        var source: String
        var text: [Unicode.Scalar]
        var key: [Unicode.Scalar]
    }

    /// De-duplicates (first kept; a key under two labels dropped everywhere), splits by the key's
    /// hash, and orders each split by `order`, then the hash, then the key.
    private static func split(
        _ rows: [Row], salt: String, counters: [String: Int], order: (Row) -> (String, String)
    ) -> TextDataSplit {
        var counters = counters
        var labelsByKey: [[Unicode.Scalar]: Set<String>] = [:]
        for row in rows { labelsByKey[row.key, default: []].insert(row.label) }
        var seen = Set<[Unicode.Scalar]>()
        var kept: [(row: Row, hash: [UInt8], training: Bool)] = []
        for row in rows {
            if labelsByKey[row.key]!.count > 1 {
                counters["drop_cross_label_duplicate", default: 0] += 1
                continue
            }
            guard seen.insert(row.key).inserted else {
                counters["drop_duplicate", default: 0] += 1
                continue
            }
            let hash = SHA1.digest(Array((salt + "|" + Array(row.key.prefix(40)).string).utf8))
            kept.append((row, hash, hash[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } % 100 < 80))
        }
        // Python compares strings by code point, which is the order of their UTF-8 bytes.
        func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
        kept.sort { a, b in
            let (a0, a1) = order(a.row)
            let (b0, b1) = order(b.row)
            if a0 != b0 { return bytes(a0).lexicographicallyPrecedes(bytes(b0)) }
            if a1 != b1 { return bytes(a1).lexicographicallyPrecedes(bytes(b1)) }
            if a.hash != b.hash { return a.hash.lexicographicallyPrecedes(b.hash) }
            return a.row.key.lexicographicallyPrecedes(b.row.key) { $0.value < $1.value }
        }
        let examples = kept.map { (TextExample(label: $0.row.label, source: $0.row.source, text: $0.row.text.string), $0.training) }
        return TextDataSplit(
            train: examples.filter(\.1).map(\.0), test: examples.filter { !$0.1 }.map(\.0), counters: counters)
    }

    /// Why langid drops a text, or nil to keep it: fewer than 10 letters (a CJK ideograph counts
    /// 2), fewer letters than half its non-space characters, or, for ru, bg and zh, too few letters
    /// in the expected script (Cyrillic 60 %, CJK 30 %).
    private static func langidDropReason(_ text: [Unicode.Scalar], language: String) -> String? {
        let letters = text.filter(PythonText.isAlpha)
        if letters.reduce(0, { $0 + (isCJK($1) ? 2 : 1) }) < 10 { return "drop_short" }
        if Double(letters.count) / Double(max(1, text.count(where: { $0 != " " }))) < 0.5 { return "drop_not_text" }
        let script: (inScript: (Unicode.Scalar) -> Bool, share: Double)? =
            switch language {
            case "ru", "bg": ({ (0x400...0x4FF).contains($0.value) }, 0.6)
            case "zh": (isCJK, 0.3)
            default: nil
            }
        if let script, Double(letters.count(where: script.inScript)) / Double(letters.count) < script.share {
            return "drop_wrong_script_\(language)"
        }
        return nil
    }

    private static func isCJK(_ c: Unicode.Scalar) -> Bool { (0x3400...0x9FFF).contains(c.value) || (0xF900...0xFAFF).contains(c.value) }

    // MARK: The files

    /// English category files of `fortunes` and `fortunes-min`, named one by one so that other
    /// packages installed in the same directory never leak in.
    static let englishFiles = """
        art computers cookie debian definitions disclaimer drugs education ethnic food fortunes goedel humorists kids \
        knghtbrd law linux linuxcookie literature love magic medicine men-women miscellaneous news paradoxum people perl \
        pets platitudes politics pratchett riddles science songs-poems sports startrek tao translate-me wisdom work zippy
        """.split(separator: " ").map(String.init)
    static let otherTopLevelFiles = ["brasil": "pt", "chinese": "zh", "song100": "zh", "tang300": "zh"]
    static let languageDirectories = ["de": "de", "es": "es", "it": "it", "cs": "cs", "pl": "pl", "ru": "ru", "bg": "bg", "eo": "eo", "ga": "ga"]
    /// ASCII art, a banner, Slovak quotes inside `fortunes-cs` and a draft without an index.
    static let excludedFiles: Set = ["ascii-art", "de/asciiart", "it/banner", "cs/klasik-sk", "es/varios.fortunes-pre"]
    /// The topics: English categories with at least 140 usable fortunes that are about a subject
    /// (not a form or a source such as `cookie`, `zippy` or `startrek`).
    static let topicCategories = [
        "art", "computers", "drugs", "education", "food", "kids", "law", "literature", "love", "men-women", "people",
        "politics", "science", "sports", "work",
    ]

    /// Every (language, path relative to `directory`) langid reads, sorted: the named top-level
    /// files and every file under the language directories (not following linked directories;
    /// `.dat` and `.u8` index files left out).
    private static func langidFiles(in directory: String) throws(DataError) -> [(String, String)] {
        var files = englishFiles.map { ("en", $0) } + otherTopLevelFiles.map { ($0.value, $0.key) }
        for (name, language) in languageDirectories {
            for relative in try filesBelow("\(directory)/\(name)", relativeTo: directory)
            where !relative.hasSuffix(".dat") && !relative.hasSuffix(".u8") {
                files.append((language, relative))
            }
        }
        return files.sorted { a, b in
            a.0 != b.0 ? Array(a.0.utf8).lexicographicallyPrecedes(Array(b.0.utf8)) : Array(a.1.utf8).lexicographicallyPrecedes(Array(b.1.utf8))
        }
    }

    /// The paths under `root` (relative to `base`) that are not directories, as Python's `os.walk`
    /// lists them: links to directories count as directories and are not entered.
    private static func filesBelow(_ root: String, relativeTo base: String) throws(DataError) -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: root) } catch {
            throw DataError(file: root, "cannot be listed: \(error.localizedDescription)")
        }
        var result: [String] = []
        for name in names {
            let path = "\(root)/\(name)"
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if exists && isDirectory.boolValue {
                if !isSymbolicLink(path) { result += try filesBelow(path, relativeTo: base) }
            } else {
                result.append(String(path.dropFirst(base.count + 1)))
            }
        }
        return result
    }

    private static func requirePresent(_ names: [String], in directory: String, install: String) throws(DataError) {
        for name in names.sorted() where !FileManager.default.fileExists(atPath: "\(directory)/\(name)") {
            throw DataError(file: "\(directory)/\(name)", "missing; the fortune packages provide it: run '\(install)' (Debian)")
        }
    }

    private static func isSymbolicLink(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeSymbolicLink
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
