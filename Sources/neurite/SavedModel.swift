import ArgumentParser
import Foundation
import Neurite

/// `--model`, shared by every command that reads a saved model.
struct ModelOptions: ParsableArguments {
    @Option(help: "A model file written by neurite train or neurite import.")
    var model: String
    @Flag(help: "Load a model whose weights hold NaN or infinity (refused otherwise).")
    var allowNonFinite = false

    func load() throws -> SavedModel { try SavedModel(path: model, allowingNonFiniteWeights: allowNonFinite) }
}

/// A model file as the commands use it: the network (in evaluation mode), the shape of one input
/// recorded at training or import, and the number of outputs (classes) it gives for one input.
struct SavedModel {
    static let inputShapeKey = "neurite.input_shape"

    let path: String
    let network: Module
    /// The shape of one sample, e.g. `[1, 28, 28]`; nil when none was recorded.
    let inputShape: [Int]?
    /// For a model trained on texts: its encoder and class names.
    let text: TextModelMetadata?
    /// The class names recorded at training (a text model's, or e.g. Fashion-MNIST's), in label
    /// order; nil when none were.
    let classNames: [String]?

    /// The name of class `index`: its recorded name, or the number.
    func className(_ index: Int) -> String {
        guard let classNames, classNames.indices.contains(index) else { return "\(index)" }
        return classNames[index]
    }

    /// The metadata entry that records `names` (none for nil).
    static func classNamesMetadata(_ names: [String]?) -> [String: String] {
        guard let names else { return [:] }
        return [TextModelMetadata.classesKey: String(decoding: try! JSONEncoder().encode(names), as: UTF8.self)]
    }

    /// A model already in memory (e.g. built from a description), described as coming from `path`.
    init(path: String, network: Module, inputShape: [Int]?) {
        self.path = path
        self.network = network
        self.inputShape = inputShape
        self.text = nil
        self.classNames = nil
    }

    /// Reads the model and checks that its layers chain for the recorded input shape.
    init(path: String, allowingNonFiniteWeights: Bool = false) throws {
        let (network, metadata) = try ModelFile.read(path, allowingNonFiniteWeights: allowingNonFiniteWeights)
        self.path = path
        self.network = network
        self.text = try TextModelMetadata(metadata: metadata, path: path)
        try text?.check(network, path: path)
        if let names = metadata[TextModelMetadata.classesKey] {
            guard let decoded = try? JSONDecoder().decode([String].self, from: Data(names.utf8)), !decoded.isEmpty else {
                throw CommandError("\(path): the recorded class names are not a JSON array of strings")
            }
            classNames = decoded
        } else {
            classNames = nil
        }
        if let text = metadata[Self.inputShapeKey] {
            guard let shape = PositiveIntegers(parsing: text)?.values else {
                throw CommandError("\(path): the recorded input shape '\(text)' is not positive integers separated by commas")
            }
            inputShape = shape
            _ = try outputShape(forSample: shape, from: "its recorded input shape")
        } else {
            inputShape = nil
            try checkLayersChain()
        }
    }

    /// Checks that the layers chain when no input shape is known (see
    /// `Sequential.checkLayersChain`).
    func checkLayersChain() throws {
        guard let sequential = network as? Sequential else { return }
        do {
            try sequential.checkLayersChain()
        } catch {
            throw CommandError("\(path): the layers do not chain: \(error)")
        }
    }

    /// The model's output shape for one input of shape `sample` (`[1, C]` for a classifier),
    /// inferred layer by layer without running the model; nil when a layer cannot say.
    /// - Parameter batch: the most samples the command runs at once: every layer's output (and
    ///   a convolution's unfolded input) for that many is checked against `SizeLimit`.
    /// - Throws: naming the layer that cannot take the input, and `source`.
    func outputShape(forSample sample: [Int], batch: Int = 1, from source: String) throws -> [Int]? {
        do {
            return try network.checkedOutputShape(forInput: [max(batch, 1)] + sample).map { [1] + $0.dropFirst() }
        } catch {
            throw CommandError("\(path): the model cannot take \(source) (samples of shape \(sample)): \(error)")
        }
    }

    /// The model's output shape for one sample, inferred or (for layers that cannot infer it)
    /// from a forward pass, after the check of `outputShape(forSample:from:)`.
    func checkedOutputShape(forSample sample: [Int], batch: Int = 1, from source: String) throws -> [Int] {
        if let shape = try outputShape(forSample: sample, batch: batch, from: source) { return shape }
        return withoutGradients { network(Tensor.zeros([1] + sample)).shape }
    }

    /// `inputs` (`[N, …]`, from `source`) reshaped to `[N] + inputShape`; unchanged when no shape
    /// was recorded.
    /// - Throws: when the samples hold another number of values than the model reads.
    /// - Throws: when the samples hold another number of values than the model reads, or (with no
    ///   recorded shape) when the model's layers cannot take them.
    func shaped(_ inputs: Tensor, from source: String) throws -> Tensor {
        let sample = Array(inputs.shape.dropFirst())
        guard let inputShape else {
            guard inputs.rank >= 1 else { throw CommandError("\(source): expected samples along the first axis, found a scalar") }
            _ = try outputShape(forSample: sample, from: source)
            return inputs
        }
        guard inputs.rank >= 1, sample.reduce(1, *) == inputShape.reduce(1, *) else {
            throw CommandError("\(source): an input of shape \(sample) does not fit the model's input shape \(inputShape)")
        }
        return inputs.reshaped([inputs.shape[0]] + inputShape)
    }

    /// `data` with its inputs shaped for the model.
    func shaped(_ data: TensorDataset, from source: String) throws -> TensorDataset {
        TensorDataset(inputs: try shaped(data.inputs, from: source), targets: data.targets)
    }

    /// Checks that the model gives class logits `[N, classes]` for `data`'s samples.
    func checkClassifies(_ data: TensorDataset, classes: Int, dataset: DatasetSpec) throws {
        guard data.count > 0 else { throw CommandError("\(dataset): the test split is empty") }
        let outputs = try checkedOutputShape(
            forSample: Array(data.inputs.shape.dropFirst()), batch: Evaluation.batchSize, from: "the \(dataset) data set")
        guard outputs == [1, classes] else {
            throw CommandError("\(path): the model gives outputs of shape \(outputs) for one input; the \(dataset) data set has \(classes) classes")
        }
    }
}
