import NeuriteCore

/// A fully connected layer: `y = x·Wᵀ + b`, for inputs `[…, inFeatures]` and outputs
/// `[…, outFeatures]` (PyTorch's `nn.Linear`).
///
/// `weight` is `[outFeatures, inFeatures]` and `bias` `[outFeatures]`, PyTorch's layouts, so
/// weights move between the two without transposes (the product reads the weight transposed in
/// place). Default initialisation is PyTorch's: weight from Kaiming-uniform with `a = √5` (which
/// is U(−1/√in, 1/√in)) and bias from U(−1/√in, 1/√in).
public final class Dense: Module, DescribableLayer {
    /// The feature counts and whether there is a bias (`{"in": 784, "out": 256, "bias": true}`).
    public struct Configuration: LayerConfiguration {
        /// Input features (PyTorch's `in_features`).
        public var inFeatures: Int
        /// Output features (PyTorch's `out_features`).
        public var outFeatures: Int
        /// Whether the layer adds a bias (true).
        public var bias: Bool

        /// A configuration; a bias by default.
        public init(inFeatures: Int, outFeatures: Int, bias: Bool = true) {
            self.inFeatures = inFeatures
            self.outFeatures = outFeatures
            self.bias = bias
        }

        public func validate() throws(LayerConfigurationError) {
            try LayerConfigurationError.require(
                inFeatures > 0 && outFeatures > 0,
                "feature counts must be positive, got \(inFeatures) => \(outFeatures)")
            try LayerConfigurationError.requireAllocatable([outFeatures, inFeatures], for: "a weight")
        }

        private enum CodingKeys: String, CodingKey {
            case inFeatures = "in"
            case outFeatures = "out"
            case bias
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            inFeatures = try container.decode(Int.self, forKey: .inFeatures)
            outFeatures = try container.decode(Int.self, forKey: .outFeatures)
            bias = try container.decode(.bias, default: true)
        }
    }

    public let configuration: Configuration
    /// The weight `[out, in]`, PyTorch's layout.
    public let weight: Parameter
    /// The bias `[out]`, unless made without.
    public let bias: Parameter?
    /// Input features.
    public var inFeatures: Int { configuration.inFeatures }
    /// Output features.
    public var outFeatures: Int { configuration.outFeatures }

    /// A layer with weights from `initializer` (PyTorch's default when nil) and a bias unless
    /// `bias` is false, drawn from `generator`.
    public init(
        _ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
        initializer: Initializer? = nil, generator: inout PhiloxGenerator
    ) {
        configuration = Configuration(inFeatures: inFeatures, outFeatures: outFeatures, bias: bias).validated(for: "Dense")
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

    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(configuration.inFeatures, configuration.outFeatures, bias: configuration.bias, generator: &generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        precondition(
            input.rank >= 1 && input.shape.last == inFeatures,
            "\(layerDescription): input of shape \(input.shape) does not end in \(inFeatures) features")
        let flat = input.rank == 2 ? input : input.reshaped([-1, inFeatures])
        var output = matmul(flat, weight.value, transposeB: true)
        if let bias { output = output + bias.value }
        return input.rank == 2 ? output : output.reshaped(Array(input.shape.dropLast()) + [outFeatures])
    }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        try LayerShapeError.require(
            shape.last == inFeatures, "\(layerDescription) takes inputs ending in \(inFeatures) features, got \(shape)")
        return shape.dropLast() + [outFeatures]
    }

    public override var layerDescription: String {
        "Dense(\(inFeatures) => \(outFeatures)\(bias == nil ? ", bias: false" : ""))"
    }
}
