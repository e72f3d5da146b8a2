import NeuriteCore

/// Channel dropout (PyTorch's `nn.Dropout2d`): in training each feature map `(n, c)` of an input
/// `[N, C, …]` is zeroed as a whole with probability `p` (one draw per sample and channel) and the
/// survivors are scaled by `1/(1 − p)`; in evaluation it is the identity. Neighbouring pixels of a
/// map are strongly correlated, so dropping single pixels (`Dropout`) barely regularises a
/// convolutional network; dropping whole maps does. A 3-D input `[N, C, L]` drops whole rows, as
/// PyTorch does today.
public final class Dropout2D: Module, DescribableLayer {
    public let configuration: Dropout.Configuration
    /// The probability of zeroing a channel.
    public var probability: Float { configuration.probability }
    /// The stream the masks are drawn from; it advances with each training call.
    public let maskStream: RandomStream

    /// Zeroes whole channels with probability `probability` in training (PyTorch's `nn.Dropout2d`), scaling the rest by `1/(1 − p)`.
    public init(_ probability: Float = 0.5, generator: PhiloxGenerator? = nil) {
        configuration = Dropout.Configuration(probability: probability).validated(for: "Dropout2D")
        maskStream = RandomStream(generator ?? DefaultGenerator.makeGenerator())
        super.init()
    }

    /// A layer whose mask stream is seeded from `generator`.
    public convenience init(configuration: Dropout.Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(configuration.probability, generator: PhiloxGenerator(seed: generator.next()))
    }

    public override func forward(_ input: Tensor) -> Tensor {
        precondition(input.rank >= 3, "\(layerDescription): input of shape \(input.shape) is not [N, C, …]")
        guard isTraining, probability > 0 else { return input }
        if probability == 1 { return input * 0 }
        let maskShape = Array(input.shape.prefix(2)) + Array(repeating: 1, count: input.rank - 2)
        let keep = Tensor.bernoulli(maskShape, probability: 1 - probability, generator: &maskStream.generator)
        return input * (keep / (1 - probability))
    }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        try LayerShapeError.require(shape.count >= 3, "\(layerDescription) takes inputs [N, C, …], got \(shape)")
        return shape
    }

    public override var layerDescription: String { "Dropout2D(\(probability))" }
}
