import Foundation

/// Labelled texts from files a person writes (`neurite train --dataset text:PATH`):
///
/// - a `.tsv` or `.txt` file (or any name but `.csv`): one example per line, `label<TAB>text`
///   (the text may hold further tabs); a first line `label<TAB>text` or `label<TAB>source<TAB>text`
///   is a header, and with the second the text is the third column (the form
///   `TextDataSplit.tsv` writes);
/// - a `.csv` file: `label,text` rows with RFC 4180 quoting (`"a ""quoted"", text"`, newlines
///   inside quotes), an optional `label,text` header;
/// - a directory with one subdirectory per class, each file in it one text (as scikit-learn's
///   `load_files`); hidden files are skipped.
///
/// Files may be gzip-compressed. Blank lines are skipped; labels are trimmed of surrounding blanks.
public enum TextFileReader {
    /// The examples, in file order (a directory: classes and files in code-point order).
    /// - Throws: `DataError` naming the file and line: not UTF-8, a line without a label and a
    ///   text, an unterminated quote, a directory without classes, or no examples at all.
    public static func read(_ path: String) throws(DataError) -> [TextExample] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(file: path, "no such file or directory")
        }
        let examples = isDirectory.boolValue ? try readDirectory(path) : try readFile(path)
        guard !examples.isEmpty else { throw DataError(file: path, "holds no labelled texts") }
        return examples
    }

    private static func text(of path: String) throws(DataError) -> String {
        let bytes = try FileBytes.read(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DataError(file: path, location: firstInvalidByte(bytes).map { "byte \($0)" }, "is not UTF-8 text")
        }
        return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }

    /// The offset of the first byte that does not belong to a valid UTF-8 sequence.
    private static func firstInvalidByte(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .error: return offset
            case .emptyInput: return nil
            }
        }
    }

    private static func readFile(_ path: String) throws(DataError) -> [TextExample] {
        let content = try text(of: path)
        let name = path.lowercased()
        return name.hasSuffix(".csv") || name.hasSuffix(".csv.gz") ? try readCSV(content, path: path) : try readTSV(content, path: path)
    }

    private static func readTSV(_ content: String, path: String) throws(DataError) -> [TextExample] {
        var examples: [TextExample] = []
        var textColumn = 1
        for (number, rawLine) in content.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy(\.isWhitespace) { continue }
            let fields = line.split(separator: "\t", maxSplits: textColumn, omittingEmptySubsequences: false)
            if examples.isEmpty && number == 0 {
                let lowered = line.lowercased()
                if lowered == "label\ttext" { continue }
                if lowered == "label\tsource\ttext" {
                    textColumn = 2
                    continue
                }
            }
            guard fields.count == textColumn + 1 else {
                throw DataError(
                    file: path, location: "line \(number + 1)",
                    "expected \(textColumn == 1 ? "label<TAB>text" : "label<TAB>source<TAB>text"), found no tab")
            }
            try examples.append(example(label: fields[0], source: "line \(number + 1)", text: fields[textColumn], path: path, line: number + 1))
        }
        return examples
    }

    private static func readCSV(_ content: String, path: String) throws(DataError) -> [TextExample] {
        var examples: [TextExample] = []
        for (index, row) in try csvRows(content, path: path).enumerated() {
            let (line, fields) = row
            if fields.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) { continue }
            if index == 0 && fields.map({ $0.lowercased() }) == ["label", "text"] { continue }
            guard fields.count == 2 else {
                throw DataError(file: path, location: "line \(line)", "expected 2 fields (label,text), found \(fields.count)")
            }
            try examples.append(example(label: Substring(fields[0]), source: "line \(line)", text: Substring(fields[1]), path: path, line: line))
        }
        return examples
    }

    /// RFC 4180 rows, each with the line it starts on.
    private static func csvRows(_ content: String, path: String) throws(DataError) -> [(Int, [String])] {
        var rows: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var line = 1, rowStart = 1, quoteStart = 1
        var characters = Array(content.unicodeScalars)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" {
                        field.unicodeScalars.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !wasQuoted:
                quoted = true
                wasQuoted = true
                quoteStart = line
            case ",":
                fields.append(field)
                field = ""
                wasQuoted = false
            case "\n":
                fields.append(field)
                rows.append((rowStart, fields))
                fields = []
                field = ""
                wasQuoted = false
                line += 1
                rowStart = line
            case "\r" where characters.first == "\n":
                continue
            default:
                field.unicodeScalars.append(c)
            }
        }
        if quoted { throw DataError(file: path, location: "line \(quoteStart)", "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append((rowStart, fields))
        }
        return rows
    }

    private static func readDirectory(_ path: String) throws(DataError) -> [TextExample] {
        let classes = try entries(of: path).filter { isDirectory("\(path)/\($0)") }
        guard !classes.isEmpty else {
            throw DataError(file: path, "expected one subdirectory per class (each file in it one text), found none")
        }
        var examples: [TextExample] = []
        for label in classes {
            for name in try entries(of: "\(path)/\(label)") where !isDirectory("\(path)/\(label)/\(name)") {
                let file = "\(path)/\(label)/\(name)"
                examples.append(TextExample(label: label, source: "\(label)/\(name)", text: try text(of: file)))
            }
        }
        return examples
    }

    /// The names in a directory that do not start with a dot, in code-point order.
    private static func entries(of path: String) throws(DataError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }
                .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        } catch {
            throw DataError(file: path, "cannot be listed: \(error.localizedDescription)")
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private static func example(label: Substring, source: String, text: Substring, path: String, line: Int) throws(DataError) -> TextExample {
        let trimmed = label.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw DataError(file: path, location: "line \(line)", "the label is empty") }
        return TextExample(label: trimmed, source: source, text: String(text))
    }
}
