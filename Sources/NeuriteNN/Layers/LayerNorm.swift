import NeuriteCore

/// Layer normalisation over the trailing `normalizedShape` axes of each sample (PyTorch's
/// `nn.LayerNorm`): `y = (x − mean) / √(var + eps) · weight + bias` with the biased variance, the
/// same in training and evaluation. Default `eps = 1e-5`, weight 1, bias 0.
public final class LayerNorm: Module, DescribableLayer {
    /// `{"shape": [512], "epsilon": 1e-5, "affine": true}`.
    public struct Configuration: LayerConfiguration {
        /// The trailing axes normalised over, e.g. `[512]`.
        public var normalizedShape: [Int]
        /// Added to the variance before the square root (1e-5).
        public var epsilon: Float
        /// Whether the layer has a learned scale and shift (true).
        public var elementwiseAffine: Bool

        /// A configuration; the defaults are PyTorch's.
        public init(normalizedShape: [Int], epsilon: Float = 1e-5, elementwiseAffine: Bool = true) {
            self.normalizedShape = normalizedShape
            self.epsilon = epsilon
            self.elementwiseAffine = elementwiseAffine
        }

        public func validate() throws(LayerConfigurationError) {
            try LayerConfigurationError.require(
                !normalizedShape.isEmpty && normalizedShape.allSatisfy { $0 > 0 },
                "normalised shape \(normalizedShape) must be positive lengths")
            try LayerConfigurationError.requireAllocatable(normalizedShape, for: "a normalised shape")
            try LayerConfigurationError.require(epsilon >= 0 && epsilon.isFinite, "epsilon \(epsilon) must be a non-negative number")
        }

        private enum CodingKeys: String, CodingKey {
            case normalizedShape = "shape"
            case epsilon
            case elementwiseAffine = "affine"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            normalizedShape = try container.decode([Int].self, forKey: .normalizedShape)
            epsilon = try container.decode(.epsilon, default: 1e-5)
            elementwiseAffine = try container.decode(.elementwiseAffine, default: true)
        }
    }

    public let configuration: Configuration
    /// The learned scale (1 at first), of the normalised shape, unless made without.
    public let weight: Parameter?
    /// The learned shift (0 at first), of the normalised shape, unless made without.
    public let bias: Parameter?
    /// The trailing axes normalised over.
    public var normalizedShape: [Int] { configuration.normalizedShape }
    /// Added to the variance before the square root.
    public var epsilon: Float { configuration.epsilon }

    /// Layer normalisation over the trailing `normalizedShape` axes (PyTorch's `nn.LayerNorm`).
    public init(_ normalizedShape: [Int], epsilon: Float = 1e-5, elementwiseAffine: Bool = true) {
        configuration = Configuration(normalizedShape: normalizedShape, epsilon: epsilon, elementwiseAffine: elementwiseAffine)
            .validated(for: "LayerNorm")
        weight = elementwiseAffine ? Parameter(Tensor.ones(normalizedShape)) : nil
        bias = elementwiseAffine ? Parameter(Tensor.zeros(normalizedShape)) : nil
        super.init()
    }

    /// Layer normalisation over the last axis of `features` elements.
    public convenience init(_ features: Int, epsilon: Float = 1e-5, elementwiseAffine: Bool = true) {
        self.init([features], epsilon: epsilon, elementwiseAffine: elementwiseAffine)
    }

    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(configuration.normalizedShape, epsilon: configuration.epsilon, elementwiseAffine: configuration.elementwiseAffine)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        precondition(
            input.shape.suffix(normalizedShape.count) == normalizedShape[...],
            "\(layerDescription): input of shape \(input.shape) does not end in \(normalizedShape)")
        let axes = Array((input.rank - normalizedShape.count)..<input.rank)
        let mean = input.mean(axes: axes, keepDims: true)
        let variance = input.variance(axes: axes, correction: 0, keepDims: true)
        let normalized = (input - mean) / sqrt(variance + epsilon)
        guard let weight, let bias else { return normalized }
        return normalized * weight.value + bias.value
    }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        try LayerShapeError.require(
            shape.suffix(normalizedShape.count) == normalizedShape[...],
            "\(layerDescription) takes inputs ending in \(normalizedShape), got \(shape)")
        return shape
    }

    public override var layerDescription: String {
        "LayerNorm(\(normalizedShape)\(epsilon != 1e-5 ? ", epsilon: \(epsilon)" : ""))"
    }
}
