import NeuriteCore

/// Inverted dropout (PyTorch's `nn.Dropout`): in training each element is zeroed with
/// probability `p` and the survivors are scaled by `1/(1 − p)`, so the expected value is kept; in
/// evaluation it is the identity. `p = 1` gives zeros.
///
/// The masks come from the layer's own random stream, seeded from the default generator when the
/// layer is made (or given), so a run is reproducible.
public final class Dropout: Module, DescribableLayer {
    /// The probability of dropping an element (`{"p": 0.5}`), in [0, 1].
    public struct Configuration: LayerConfiguration {
        /// The probability of zeroing an element.
        public var probability: Float
        /// A configuration; 0.5 by default, as PyTorch.
        public init(probability: Float = 0.5) { self.probability = probability }
        public func validate() throws(LayerConfigurationError) {
            try LayerConfigurationError.require((0...1).contains(probability), "probability \(probability) is not in [0, 1]")
        }
        private enum CodingKeys: String, CodingKey { case probability = "p" }
        public init(from decoder: Decoder) throws {
            probability = try decoder.container(keyedBy: CodingKeys.self).decode(.probability, default: 0.5)
        }
    }

    public let configuration: Configuration
    /// The probability of zeroing an element.
    public var probability: Float { configuration.probability }
    /// The stream the masks are drawn from; it advances with each training call.
    public let maskStream: RandomStream

    /// Zeroes each element with probability `probability` in training and scales the rest by `1/(1 − p)` (PyTorch's `nn.Dropout`); the identity in evaluation. Masks come from `generator`, or from the default generator.
    public init(_ probability: Float = 0.5, generator: PhiloxGenerator? = nil) {
        configuration = Configuration(probability: probability).validated(for: "Dropout")
        maskStream = RandomStream(generator ?? DefaultGenerator.makeGenerator())
        super.init()
    }

    /// A layer whose mask stream is seeded from `generator`.
    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(configuration.probability, generator: PhiloxGenerator(seed: generator.next()))
    }

    public override func forward(_ input: Tensor) -> Tensor {
        guard isTraining, probability > 0 else { return input }
        if probability == 1 { return input * 0 }
        let keep = Tensor.bernoulli(input.shape, probability: 1 - probability, generator: &maskStream.generator)
        return input * (keep / (1 - probability))
    }
    public override func outputShape(forInput shape: [Int]) -> [Int]? { shape }

    public override var layerDescription: String { "Dropout(\(probability))" }
}
