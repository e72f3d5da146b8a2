import Foundation
import NeuriteCore

/// Whether the first line of a CSV file names its columns.
public enum CSVHeader: Sendable, Equatable {
    /// A header when no field of the first line is a number; data when every field is. A first
    /// line that mixes numbers and text is an error (a typo in the first data row must not turn
    /// it into a header and drop it).
    case automatic
    /// The first line is a header, whatever it holds.
    case present
    /// Every line is data.
    case absent
}

/// Comma-separated numeric data: one sample per line. Lines end in LF or CRLF; a UTF-8 byte-order
/// mark is skipped; blank lines are skipped; values may have spaces around them. Whether the
/// first line is a header is `header`'s to say (`.automatic` by default). Every other line must be
/// numbers, one per column, or reading fails naming the line: no data row is ever dropped.
public enum CSVReader {
    /// Reads `path` (optionally gzip-compressed) into features `[N, columns − 1]` and labels `[N]`.
    /// `labelColumn` counts from 0; negative values count from the end (−1, the default, is the
    /// last column).
    /// - Throws: `DataError` naming the file, line and column of a value that is not a number, or
    ///   of a line with a different number of columns; a file without data rows is an error too.
    public static func read(_ path: String, labelColumn: Int = -1, header: CSVHeader = .automatic) throws(DataError) -> (
        features: Tensor, labels: Tensor
    ) {
        try parse(FileBytes.read(path), file: path, labelColumn: labelColumn, header: header)
    }

    /// Reads `path` for classification: features `[N, columns − 1]`, class indices `[N]` and, when
    /// the label column holds words (`setosa`, `spam`), the class names. Classes are then the
    /// distinct words in sorted order, and each label is its word's index; a label column of
    /// numbers gives the numbers as they are and no names. The first line is a header when every
    /// field but the label's is text (`.automatic`).
    /// - Throws: `DataError` as `read` does, and for an empty label.
    public static func readLabeled(_ path: String, labelColumn: Int = -1, header: CSVHeader = .automatic) throws(DataError) -> (
        features: Tensor, labels: Tensor, classNames: [String]?
    ) {
        try parseLabeled(FileBytes.read(path), file: path, labelColumn: labelColumn, header: header)
    }

    /// Parses CSV bytes as `readLabeled` reads a file.
    public static func parseLabeled(_ bytes: [UInt8], file: String, labelColumn: Int = -1, header: CSVHeader = .automatic) throws(DataError)
        -> (features: Tensor, labels: Tensor, classNames: [String]?)
    {
        let (values, rows, columns, words) = try table(bytes, file: file, header: header, wordColumn: labelColumn)
        let label = labelColumn < 0 ? columns + labelColumn : labelColumn
        guard columns >= 2, (0..<columns).contains(label) else {
            throw DataError(
                file: file,
                "label column \(labelColumn) does not exist in \(columns) column\(columns == 1 ? "" : "s") (features and a label need at least 2)")
        }
        var features: [Float] = []
        features.reserveCapacity(rows * (columns - 1))
        for row in 0..<rows {
            for column in 0..<columns where column != label { features.append(values[row * columns + column]) }
        }
        let numbers = words.map { number($0) }
        if numbers.allSatisfy({ $0 != nil }) {
            return (Tensor(features, shape: [rows, columns - 1]), Tensor(numbers.map { $0! }), nil)
        }
        if let empty = words.firstIndex(of: "") {
            throw DataError(file: file, location: "data row \(empty + 1)", "the label is empty")
        }
        let names = Array(Set(words)).sorted()
        guard names.count <= ClassLabels.maximumClasses else {
            throw DataError(file: file, "the label column holds \(names.count) distinct words; at most \(ClassLabels.maximumClasses) classes")
        }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Float($0)) })
        return (Tensor(features, shape: [rows, columns - 1]), Tensor(words.map { index[$0]! }), names)
    }

    /// Reads every column of `path` as a feature: `[N, columns]` (inputs to predict from).
    public static func readMatrix(_ path: String, header: CSVHeader = .automatic) throws(DataError) -> Tensor {
        let (values, rows, columns) = try table(FileBytes.read(path), file: path, header: header)
        return Tensor(values, shape: [rows, columns])
    }

    /// Parses CSV bytes into features and labels.
    public static func parse(_ bytes: [UInt8], file: String, labelColumn: Int = -1, header: CSVHeader = .automatic) throws(DataError) -> (
        features: Tensor, labels: Tensor
    ) {
        let (values, rows, columns) = try table(bytes, file: file, header: header)
        let label = labelColumn < 0 ? columns + labelColumn : labelColumn
        guard columns >= 2, (0..<columns).contains(label) else {
            throw DataError(
                file: file,
                "label column \(labelColumn) does not exist in \(columns) column\(columns == 1 ? "" : "s") (features and a label need at least 2)")
        }
        var features: [Float] = [], labels: [Float] = []
        features.reserveCapacity(rows * (columns - 1))
        labels.reserveCapacity(rows)
        for row in 0..<rows {
            for column in 0..<columns {
                let value = values[row * columns + column]
                if column == label { labels.append(value) } else { features.append(value) }
            }
        }
        return (Tensor(features, shape: [rows, columns - 1]), Tensor(labels, shape: [rows]))
    }

    /// The numbers of every data line, row-major, with the row and column counts.
    static func table(_ bytes: [UInt8], file: String, header: CSVHeader) throws(DataError) -> (values: [Float], rows: Int, columns: Int) {
        let (values, rows, columns, _) = try table(bytes, file: file, header: header, wordColumn: nil)
        return (values, rows, columns)
    }

    /// As `table`, except that column `wordColumn` (negative counts from the end) may hold any
    /// text: its fields are returned as written, and 0 stands for them in `values`.
    static func table(_ bytes: [UInt8], file: String, header: CSVHeader, wordColumn: Int?) throws(DataError) -> (
        values: [Float], rows: Int, columns: Int, words: [String]
    ) {
        var words: [String] = []
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var values: [Float] = []
        var columns: Int?
        var rows = 0, sawFirstLine = false
        // `isNewline` splits at LF and at CRLF, which Swift reads as one character.
        for (lineIndex, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let word = wordColumn.map { $0 < 0 ? fields.count + $0 : $0 }.flatMap { fields.indices.contains($0) ? $0 : nil }
            let numbers = fields.enumerated().map { $0.offset == word ? Float(0) : number($0.element) }
            if !sawFirstLine {
                sawFirstLine = true
                let judged = word.map { column in fields.indices.filter { $0 != column } } ?? Array(fields.indices)
                if try isHeader(judged.map { number(fields[$0]) }, fields: judged.map { fields[$0] }, mode: header, file: file, line: lineIndex + 1) {
                    columns = fields.count
                    continue
                }
            }
            let expected = columns ?? fields.count
            guard fields.count == expected else {
                throw DataError(file: file, location: "line \(lineIndex + 1)", "expected \(expected) columns, found \(fields.count)")
            }
            columns = expected
            for (index, value) in numbers.enumerated() {
                guard let value else {
                    throw DataError(file: file, location: "line \(lineIndex + 1), column \(index + 1)", "expected a number, found '\(fields[index])'")
                }
                values.append(value)
            }
            if let word { words.append(fields[word]) }
            rows += 1
        }
        guard let columns, rows > 0 else { throw DataError(file: file, "no data rows") }
        return (values, rows, columns, words)
    }

    /// A field's value: a decimal or scientific number (`nan` and `inf` included, as NumPy writes them).
    private static func number(_ field: String) -> Float? {
        field.isEmpty ? nil : Float(field)
    }

    private static func isHeader(_ numbers: [Float?], fields: [String], mode: CSVHeader, file: String, line: Int) throws(DataError) -> Bool {
        switch mode {
        case .present: return true
        case .absent: return false
        case .automatic:
            if numbers.allSatisfy({ $0 == nil }) { return true }
            if numbers.allSatisfy({ $0 != nil }) { return false }
            let text = fields.indices.filter { numbers[$0] == nil }.map { "'\(fields[$0])'" }.prefix(3).joined(separator: ", ")
            throw DataError(
                file: file, location: "line \(line)",
                "mixes numbers and text (\(text)), so it is neither a header nor a data row; a header has no numbers, a data row only numbers")
        }
    }
}
