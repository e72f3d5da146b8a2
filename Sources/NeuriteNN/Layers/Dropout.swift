import NeuriteCore

/// Inverted dropout (PyTorch's `nn.Dropout`): in training each element is zeroed with
/// probability `p` and the survivors are scaled by `1/(1 − p)`, so the expected value is kept; in
/// evaluation it is the identity. `p = 1` gives zeros.
///
/// The masks come from the layer's own generator, seeded from the default generator when the
/// layer is made (or given), so a run is reproducible.
public final class Dropout: Module {
    public let probability: Float
    /// The stream the masks are drawn from; it advances with each training call.
    public let maskStream: RandomStream

    public init(_ probability: Float = 0.5, generator: PhiloxGenerator? = nil) {
        precondition((0...1).contains(probability), "Dropout: probability \(probability) is not in [0, 1]")
        self.probability = probability
        maskStream = RandomStream(generator ?? DefaultGenerator.makeGenerator())
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        guard isTraining, probability > 0 else { return input }
        if probability == 1 { return input * 0 }
        let keep = Tensor.bernoulli(input.shape, probability: 1 - probability, generator: &maskStream.generator)
        return input * (keep / (1 - probability))
    }

    public override var layerDescription: String { "Dropout(\(probability))" }
}
