import ArgumentParser
import Foundation
import Neurite

/// A data set named on the command line: `digits`, `fashion-mnist`, `mnist` (both from a
/// directory of IDX files), `idx:DIR`, `csv:FILE` (label in the last column), `npy:X,Y`, or the
/// texts `langid`, `topics` (from Debian's fortune packages) and `text:PATH` (TSV, CSV or one
/// directory per class).
enum DatasetSpec: ExpressibleByArgument, CustomStringConvertible {
    case digits, fashionMNIST, mnist
    case idx(directory: String)
    case csv(file: String)
    case npy(inputs: String, labels: String)
    case langid, topics
    case text(path: String)

    init?(argument: String) {
        switch argument {
        case "digits": self = .digits
        case "fashion-mnist": self = .fashionMNIST
        case "mnist": self = .mnist
        case "langid": self = .langid
        case "topics": self = .topics
        case let spec where spec.hasPrefix("text:") && spec.count > 5: self = .text(path: String(spec.dropFirst(5)))
        case let spec where spec.hasPrefix("idx:") && spec.count > 4: self = .idx(directory: String(spec.dropFirst(4)))
        case let spec where spec.hasPrefix("csv:") && spec.count > 4: self = .csv(file: String(spec.dropFirst(4)))
        case let spec where spec.hasPrefix("npy:"):
            let paths = spec.dropFirst(4).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard paths.count == 2, paths.allSatisfy({ !$0.isEmpty }) else { return nil }
            self = .npy(inputs: paths[0], labels: paths[1])
        default: return nil
        }
    }

    /// The forms, as the help and the parser's error list them.
    static var allValueStrings: [String] { ["digits", "fashion-mnist", "mnist", "idx:DIR", "csv:FILE", "npy:X,Y", "langid", "topics", "text:PATH"] }
    static var defaultCompletionKind: CompletionKind { .default }

    var description: String {
        switch self {
        case .digits: "digits"
        case .fashionMNIST: "fashion-mnist"
        case .mnist: "mnist"
        case .idx(let directory): "idx:\(directory)"
        case .csv(let file): "csv:\(file)"
        case .npy(let inputs, let labels): "npy:\(inputs),\(labels)"
        case .langid: "langid"
        case .topics: "topics"
        case .text(let path): "text:\(path)"
        }
    }
    var defaultValueDescription: String { description }

    /// Whether the samples are rows of a table read from a file (`csv:`, `npy:`), in whatever units
    /// the file has, rather than images scaled to [0, 1] or texts.
    var isTable: Bool {
        switch self {
        case .csv, .npy: true
        default: false
        }
    }

    /// What training reads: the training split as compactly as the data set allows (images as
    /// bytes, converted a batch at a time), the test split, the classes, and a table's features
    /// (for fitting `Standardize`).
    struct TrainingData {
        let train: any Dataset, sampleShape: [Int], test: TensorDataset
        let classes: Int, classNames: [String]?
        /// The training features of a `csv:` or `npy:` table.
        let tableInputs: Tensor?
    }

    /// The splits for training; the values are those of `load()`.
    func loadForTraining() throws -> TrainingData {
        guard let directory = imageDirectory else {
            let loaded = try load()
            return TrainingData(
                train: loaded.train, sampleShape: Array(loaded.train.inputs.shape.dropFirst()), test: loaded.test, classes: loaded.classes,
                classNames: loaded.classNames, tableInputs: isTable ? loaded.train.inputs : nil)
        }
        let (train, test) = try IDXImageDataset.loadBytes(directory: directory)
        return TrainingData(
            train: train, sampleShape: train.sampleShape, test: test.materialized(), classes: 10, classNames: imageClassNames,
            tableInputs: nil)
    }

    /// The directory of an IDX image set (Fashion-MNIST, MNIST, `idx:DIR`); nil for the others.
    private var imageDirectory: String? {
        switch self {
        case .fashionMNIST: IDXImageDataset.fashionMNISTDirectory
        case .mnist: "/usr/share/datasets/mnist"
        case .idx(let directory): directory
        default: nil
        }
    }

    /// The class names of an IDX image set where known (Fashion-MNIST's).
    private var imageClassNames: [String]? {
        if case .fashionMNIST = self { return IDXImageDataset.fashionMNISTClasses }
        return nil
    }

    /// A data set's splits and classes.
    struct Loaded {
        let train: TensorDataset, test: TensorDataset
        let classes: Int
        /// The names of the classes, in label order, where the data set has them (Fashion-MNIST, a
        /// CSV file whose labels are words); nil where the labels are the names (digits) or unknown.
        let classNames: [String]?
    }

    /// The training and test splits, with inputs scaled as loaded, and the classes.
    func load() throws -> Loaded {
        switch self {
        case .digits:
            let (train, test) = try Digits.trainTestSplit()
            return Loaded(train: train, test: test, classes: 10, classNames: nil)
        case .fashionMNIST, .mnist, .idx:
            let (train, test) = try IDXImageDataset.load(directory: imageDirectory!)
            return Loaded(train: train, test: test, classes: 10, classNames: imageClassNames)
        case .csv(let file):
            // Labels may be class indices or words (then the classes are the sorted words).
            let (features, labels, names) = try CSVReader.readLabeled(file)
            return try split(TensorDataset(inputs: features, targets: labels), labelsFile: file, classNames: names)
        case .npy(let inputsPath, let labelsPath):
            let inputs = try NPYReader.read(inputsPath), labels = try NPYReader.read(labelsPath)
            guard inputs.rank >= 1, labels.shape == [inputs.shape.first ?? -1] else {
                throw CommandError(
                    "\(labelsPath): expected \(inputs.shape.first ?? 0) labels for inputs of shape \(inputs.shape), found shape \(labels.shape)")
            }
            return try split(TensorDataset(inputs: inputs, targets: labels), labelsFile: labelsPath, classNames: nil)
        case .langid, .topics, .text:
            throw CommandError("\(self) holds texts, which this command does not read; give a model trained on texts, or images and tables")
        }
    }

    /// A file data set split 80/20 with a fixed seed; labels must be class indices (see
    /// `ClassLabels.classCount`), and both splits must hold samples.
    private func split(_ data: TensorDataset, labelsFile: String, classNames: [String]?) throws -> Loaded {
        let classes = try classNames?.count ?? ClassLabels.classCount(data.targets, file: labelsFile)
        let (train, test) = data.split(fraction: 0.8, seed: 0)
        guard train.count > 0, test.count > 0 else {
            throw CommandError("\(labelsFile): \(data.count) samples are too few to split 80/20 into training and test data")
        }
        return Loaded(train: train, test: test, classes: classes, classNames: classNames)
    }
}

/// `--dataset`, shared by every command that reads a data set.
struct DatasetOptions: ParsableArguments {
    @Option(
        help:
            "The data set (a directory of IDX files, a CSV file with the label in the last column, NumPy inputs and labels, or texts: langid, topics, a TSV/CSV file of label and text, or a directory per class)."
    )
    var dataset: DatasetSpec = .digits
}
