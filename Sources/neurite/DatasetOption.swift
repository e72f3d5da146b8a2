import Foundation
import Neurite

/// A data set named on the command line: `digits`, `fashion-mnist`, `mnist` (both from a
/// directory of IDX files), `idx:DIR`, `csv:FILE` (label in the last column) or `npy:X,Y`.
struct DatasetChoice {
    let name: String

    /// A user-facing problem with command-line input.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// The training and test splits, with inputs scaled as loaded.
    func load() throws -> (train: TensorDataset, test: TensorDataset, classes: Int) {
        switch name {
        case "digits":
            let (train, test) = try Digits.trainTestSplit()
            return (train, test, 10)
        case "fashion-mnist":
            let (train, test) = try IDXImageDataset.load()
            return (train, test, 10)
        case "mnist":
            let (train, test) = try IDXImageDataset.load(directory: "/usr/share/datasets/mnist")
            return (train, test, 10)
        case let spec where spec.hasPrefix("idx:"):
            let (train, test) = try IDXImageDataset.load(directory: String(spec.dropFirst(4)))
            return (train, test, 10)
        case let spec where spec.hasPrefix("csv:"):
            let (features, labels) = try CSVReader.read(String(spec.dropFirst(4)))
            return try split(TensorDataset(inputs: features, targets: labels), source: spec)
        case let spec where spec.hasPrefix("npy:"):
            let paths = spec.dropFirst(4).split(separator: ",").map(String.init)
            guard paths.count == 2 else { throw Problem(description: "--dataset npy: expects two files, npy:INPUTS.npy,LABELS.npy") }
            let inputs = try NPYReader.read(paths[0]), labels = try NPYReader.read(paths[1])
            guard inputs.rank >= 1, labels.shape == [inputs.shape.first ?? -1] else {
                throw Problem(description: "\(paths[1]): expected \(inputs.shape.first ?? 0) labels for inputs of shape \(inputs.shape), found shape \(labels.shape)")
            }
            return try split(TensorDataset(inputs: inputs, targets: labels), source: spec)
        default:
            throw Problem(description: "unknown dataset '\(name)' (expected digits, fashion-mnist, mnist, idx:DIR, csv:FILE or npy:X,Y)")
        }
    }

    /// A file data set split 80/20 with a fixed seed; labels must be class indices.
    private func split(_ data: TensorDataset, source: String) throws -> (train: TensorDataset, test: TensorDataset, classes: Int) {
        let labels = data.targets.scalars
        if let bad = labels.first(where: { $0 < 0 || $0 != $0.rounded() }) {
            throw Problem(description: "\(source): labels must be class indices 0, 1, 2, …, found \(bad)")
        }
        let (train, test) = data.split(fraction: 0.8, seed: 0)
        return (train, test, Int(labels.max() ?? 0) + 1)
    }
}

/// The shape of one input that `neurite train` (or `neurite import --input-shape`) recorded in a
/// model file's metadata, e.g. `[1, 28, 28]`; nil when none was recorded.
func recordedInputShape(of model: String) throws -> [Int]? {
    try SafeTensors.read(model).metadata["neurite.input_shape"].map { $0.split(separator: ",").compactMap { Int($0) } }
}
