import ArgumentParser
import Neurite

/// `--model`, shared by every command that reads a saved model.
struct ModelOptions: ParsableArguments {
    @Option(help: "A model file written by neurite train or neurite import.")
    var model: String

    func load() throws -> SavedModel { try SavedModel(path: model) }
}

/// A model file as the commands use it: the network (in evaluation mode), the shape of one input
/// recorded at training or import, and the number of outputs (classes) it gives for one input.
struct SavedModel {
    static let inputShapeKey = "neurite.input_shape"

    let path: String
    let network: Module
    /// The shape of one sample, e.g. `[1, 28, 28]`; nil when none was recorded.
    let inputShape: [Int]?

    init(path: String) throws {
        let (network, metadata) = try ModelFile.read(path)
        self.path = path
        self.network = network
        if let text = metadata[Self.inputShapeKey] {
            guard let shape = PositiveIntegers(parsing: text)?.values else {
                throw CommandError("\(path): the recorded input shape '\(text)' is not positive integers separated by commas")
            }
            inputShape = shape
        } else {
            inputShape = nil
        }
    }

    /// The model's outputs for one input of the recorded shape, or of `shape` (`[1, C]` for a
    /// classifier); nil when no shape is known.
    func outputShape(forInput shape: [Int]? = nil) -> [Int]? {
        guard let shape = shape ?? inputShape else { return nil }
        return withoutGradients { network(Tensor.zeros([1] + shape)).shape }
    }

    /// `inputs` (`[N, …]`, from `source`) reshaped to `[N] + inputShape`; unchanged when no shape
    /// was recorded.
    /// - Throws: when the samples hold another number of values than the model reads.
    func shaped(_ inputs: Tensor, from source: String) throws -> Tensor {
        guard let inputShape else { return inputs }
        let sample = Array(inputs.shape.dropFirst())
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
        let outputs = withoutGradients { network(data.inputs[0..<1]).shape }
        guard outputs == [1, classes] else {
            throw CommandError("\(path): the model gives outputs of shape \(outputs) for one input; the \(dataset) data set has \(classes) classes")
        }
    }
}
