import Foundation
import NeuriteCore

/// MNIST-format image sets read from a directory of IDX files (`train-images-idx3-ubyte`,
/// `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each optionally
/// `.gz`): Fashion-MNIST and MNIST. Images become `[N, 1, 28, 28]` scaled to [0, 1]; labels `[N]`.
public enum IDXImageDataset {
    /// Where Debian's `dataset-fashion-mnist` package puts Fashion-MNIST.
    public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

    /// The names of Fashion-MNIST's ten classes, in label order.
    public static let fashionMNISTClasses = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// The training and test sets in `directory` (Fashion-MNIST's Debian location by default).
    /// - Throws: `DataError` when the directory or a file is missing (saying how to get the data),
    ///   or when a file is malformed or images and labels disagree.
    public static func load(directory: String = fashionMNISTDirectory) throws(DataError) -> (train: TensorDataset, test: TensorDataset) {
        try checkDirectory(directory)
        return (try split("train", in: directory), try split("t10k", in: directory))
    }

    /// The training and test sets in `directory` with their images kept as bytes (a quarter of
    /// the memory; batches convert them), otherwise as `load` reads them.
    /// - Throws: as `load` does.
    public static func loadBytes(directory: String = fashionMNISTDirectory) throws(DataError) -> (train: ByteImageDataset, test: ByteImageDataset) {
        try checkDirectory(directory)
        return (try byteSplit("train", in: directory), try byteSplit("t10k", in: directory))
    }

    private static func byteSplit(_ prefix: String, in directory: String) throws(DataError) -> ByteImageDataset {
        let imagesPath = try locate("\(prefix)-images-idx3-ubyte", in: directory)
        let bytes = try FileBytes.read(imagesPath)
        let (shape, offset) = try IDXReader.header(bytes, file: imagesPath)
        let labels = try labels(prefix, in: directory, images: shape)
        return ByteImageDataset(pixels: Array(bytes[offset...]), sampleShape: [1, shape[1], shape[2]], targets: labels)
    }

    /// The labels of a split, checked against the images' shape.
    private static func labels(_ prefix: String, in directory: String, images shape: [Int]) throws(DataError) -> Tensor {
        let labelsPath = try locate("\(prefix)-labels-idx1-ubyte", in: directory)
        let labels = try IDXReader.read(labelsPath)
        guard shape.count == 3 else {
            throw DataError(file: "\(directory)/\(prefix)-images-idx3-ubyte", "expected images of shape [N, rows, columns], found \(shape)")
        }
        guard labels.rank == 1, labels.shape[0] == shape[0] else {
            throw DataError(file: labelsPath, "expected \(shape[0]) labels to match the images, found shape \(labels.shape)")
        }
        guard shape[0] > 0 else { throw DataError(file: labelsPath, "no samples") }
        if let bad = labels.scalars.first(where: { !(0...9).contains($0) || $0 != $0.rounded() }) {
            throw DataError(file: labelsPath, "expected class labels 0…9, found \(bad)")
        }
        return labels
    }

    private static func checkDirectory(_ directory: String) throws(DataError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError(
                file: directory,
                "no such directory; for Fashion-MNIST run 'apt-get install dataset-fashion-mnist' (Debian) or put the four IDX files of MNIST or Fashion-MNIST in a directory and pass it"
            )
        }
    }

    private static func split(_ prefix: String, in directory: String) throws(DataError) -> TensorDataset {
        // Scaled to [0, 1] while converting: the float images exist once (188 MB for
        // Fashion-MNIST's training set, not twice during loading).
        let imagesPath = try locate("\(prefix)-images-idx3-ubyte", in: directory)
        let bytes = try FileBytes.read(imagesPath)
        let (shape, _) = try IDXReader.header(bytes, file: imagesPath)
        let labels = try labels(prefix, in: directory, images: shape)
        let images = try IDXReader.parse(bytes, file: imagesPath, dividedBy: 255)
        return TensorDataset(inputs: images.reshaped([shape[0], 1, shape[1], shape[2]]), targets: labels)
    }

    private static func locate(_ name: String, in directory: String) throws(DataError) -> String {
        for candidate in ["\(directory)/\(name)", "\(directory)/\(name).gz"] where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        throw DataError(file: "\(directory)/\(name)", "missing (looked for it with and without .gz)")
    }
}
