import Foundation
import NeuriteCore

/// Comma-separated numeric data: one sample per line, the features in all columns but the label
/// column. Blank lines are skipped; a first line that is not numeric is taken as a header.
public enum CSVReader {
    /// Reads `path` (optionally gzip-compressed) into features `[N, columns − 1]` and labels `[N]`.
    /// `labelColumn` counts from 0; negative values count from the end (−1, the default, is the
    /// last column).
    /// - Throws: `DataError` naming the file, line and column of a value that is not a number, or
    ///   of a line with a different number of columns; an empty file is an error too.
    public static func read(_ path: String, labelColumn: Int = -1) throws(DataError) -> (features: Tensor, labels: Tensor) {
        try parse(FileBytes.read(path), file: path, labelColumn: labelColumn)
    }

    /// Parses CSV bytes.
    public static func parse(_ bytes: [UInt8], file: String, labelColumn: Int = -1) throws(DataError) -> (features: Tensor, labels: Tensor) {
        let text = String(decoding: bytes, as: UTF8.self)
        var features: [Float] = [], labels: [Float] = []
        var columns: Int?
        var rows = 0
        for (lineIndex, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            let values = fields.map { Float($0.trimmingCharacters(in: .whitespaces)) }
            if rows == 0 && columns == nil && values.contains(where: { $0 == nil }) {
                columns = fields.count  // a header line: names, not numbers
                continue
            }
            let expected = columns ?? fields.count
            guard fields.count == expected else {
                throw DataError(file: file, location: "line \(lineIndex + 1)", "expected \(expected) columns, found \(fields.count)")
            }
            columns = expected
            let label = labelColumn < 0 ? expected + labelColumn : labelColumn
            guard (0..<expected).contains(label), expected >= 2 else {
                throw DataError(file: file, location: "line \(lineIndex + 1)", "label column \(labelColumn) does not exist in \(expected) columns")
            }
            for (index, value) in values.enumerated() {
                guard let value else {
                    throw DataError(
                        file: file, location: "line \(lineIndex + 1), column \(index + 1)",
                        "expected a number, found '\(fields[index].trimmingCharacters(in: .whitespaces))'")
                }
                if index == label { labels.append(value) } else { features.append(value) }
            }
            rows += 1
        }
        guard let columns, rows > 0 else { throw DataError(file: file, "no data rows") }
        return (Tensor(features, shape: [rows, columns - 1]), Tensor(labels, shape: [rows]))
    }
}
