import NeuriteCore

/// A fully connected layer: `y = x·Wᵀ + b`, for inputs `[…, inFeatures]` and outputs
/// `[…, outFeatures]` (PyTorch's `nn.Linear`).
///
/// `weight` is `[outFeatures, inFeatures]` and `bias` `[outFeatures]`, PyTorch's layouts, so
/// weights move between the two without transposes (the product reads the weight transposed in
/// place). Default initialisation is PyTorch's: weight from Kaiming-uniform with `a = √5` (which
/// is U(−1/√in, 1/√in)) and bias from U(−1/√in, 1/√in).
public final class Dense: Module {
    public let weight: Parameter
    public let bias: Parameter?
    public let inFeatures: Int, outFeatures: Int

    /// A layer with weights from `initializer` (PyTorch's default when nil) and a bias unless
    /// `bias` is false, drawn from `generator`.
    public init(
        _ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
        initializer: Initializer? = nil, generator: inout PhiloxGenerator
    ) {
        precondition(inFeatures > 0 && outFeatures > 0, "Dense: feature counts must be positive, got \(inFeatures) => \(outFeatures)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let scheme = initializer ?? .kaimingUniform(a: Float(5).squareRoot())
        weight = Parameter(scheme.make([outFeatures, inFeatures], generator: &generator))
        let bound = 1 / Float(inFeatures).squareRoot()
        self.bias = bias ? Parameter(Tensor.uniform([outFeatures], low: -bound, high: bound, generator: &generator)) : nil
        super.init()
    }

    /// A layer drawn from the default generator (see `DefaultGenerator`).
    public convenience init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, initializer: Initializer? = nil) {
        var generator = DefaultGenerator.makeGenerator()
        self.init(inFeatures, outFeatures, bias: bias, initializer: initializer, generator: &generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        precondition(input.rank >= 1 && input.shape.last == inFeatures,
                     "\(layerDescription): input of shape \(input.shape) does not end in \(inFeatures) features")
        let flat = input.rank == 2 ? input : input.reshaped([-1, inFeatures])
        var output = matmul(flat, weight.value, transposeB: true)
        if let bias { output = output + bias.value }
        return input.rank == 2 ? output : output.reshaped(Array(input.shape.dropLast()) + [outFeatures])
    }

    public override var layerDescription: String {
        "Dense(\(inFeatures) => \(outFeatures)\(bias == nil ? ", bias: false" : ""))"
    }
}
