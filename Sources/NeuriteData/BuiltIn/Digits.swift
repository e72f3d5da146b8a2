import Foundation
import NeuriteCore

/// The built-in handwritten digits: 1,797 images of 8×8 pixels (values 0…16) in 10 classes, from
/// the UCI "Optical Recognition of Handwritten Digits" data set (E. Alpaydin, C. Kaynak, 1998;
/// CC BY 4.0), embedded in the package so that examples and tests need no download.
public enum Digits {
    /// The number of samples held out for testing in the fixed split.
    public static let testCount = 360

    /// The whole set: inputs `[1797, 1, 8, 8]` scaled to [0, 1] (pixel / 16) and labels `[1797]`.
    public static func load() throws(DataError) -> TensorDataset {
        guard let url = Bundle.module.url(forResource: "digits.csv", withExtension: "gz") else {
            throw DataError(file: "digits.csv.gz", "the built-in resource is missing from the bundle")
        }
        let (features, labels) = try CSVReader.read(url.path)
        guard features.shape == [1797, 64] else {
            throw DataError(file: url.path, "expected 1797 rows of 64 pixels and a label, found \(features.shape)")
        }
        return TensorDataset(inputs: features.reshaped([1797, 1, 8, 8]) / 16, targets: labels)
    }

    /// The fixed seeded split into 1,437 training and 360 test samples (the same on every machine).
    public static func trainTestSplit() throws(DataError) -> (train: TensorDataset, test: TensorDataset) {
        let all = try load()
        let (train, test) = all.split(fraction: Double(all.count - testCount) / Double(all.count), seed: 1797)
        return (train, test)
    }
}
