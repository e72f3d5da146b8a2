import NeuriteCore

/// Checks on labels that come from files: classification needs class indices `0, 1, 2, …`.
public enum ClassLabels {
    /// The most classes a data set read from a file may have: a typo such as `1e9` as a label
    /// would otherwise ask for a billion-column confusion matrix.
    public static let maximumClasses = 100_000

    /// The number of classes in `labels` (the largest index plus one), after checking that every
    /// label is a finite, non-negative integer below `maximumClasses`, that there is at least one,
    /// and that at least two classes occur.
    /// - Throws: `DataError` naming `file`, the first bad label and its position (0-based).
    public static func classCount(_ labels: Tensor, file: String) throws(DataError) -> Int {
        let values = labels.scalars
        guard !values.isEmpty else { throw DataError(file: file, "no samples") }
        for (index, label) in values.enumerated() {
            guard label.isFinite, label >= 0, label == label.rounded(), label < Float(maximumClasses) else {
                throw DataError(
                    file: file, location: "sample \(index)",
                    "labels must be class indices 0, 1, 2, … below \(maximumClasses), found \(label)")
            }
        }
        let present = Set(values)
        guard present.count >= 2 else {
            throw DataError(file: file, "classification needs at least two classes; every label is \(Int(values[0]))")
        }
        return Int(values.max()!) + 1
    }
}
