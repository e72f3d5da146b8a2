import NeuriteCore

// The activation functions as layers, for `Sequential`. Each prints like its constructor and
// describes itself for model files.

/// `relu(x)` as a layer.
public final class ReLU: Module, ParameterlessLayer {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { relu(input) }
    public override func outputShape(forInput shape: [Int]) -> [Int]? { shape }
}

/// `leakyRelu(x, negativeSlope:)` as a layer (PyTorch's default slope 0.01).
public final class LeakyReLU: Module, DescribableLayer {
    /// `{"negativeSlope": 0.01}`.
    public struct Configuration: LayerConfiguration {
        /// The slope for negative inputs.
        public var negativeSlope: Float
        /// A configuration; 0.01 is PyTorch's default slope.
        public init(negativeSlope: Float = 0.01) { self.negativeSlope = negativeSlope }
        public init(from decoder: Decoder) throws {
            negativeSlope = try decoder.container(keyedBy: CodingKeys.self).decode(.negativeSlope, default: 0.01)
        }
        private enum CodingKeys: String, CodingKey { case negativeSlope }
    }

    public let configuration: Configuration
    /// The slope for negative inputs.
    public var negativeSlope: Float { configuration.negativeSlope }
    /// `max(0, x) + negativeSlope · min(0, x)`; 0.01 by default, as PyTorch.
    public init(negativeSlope: Float = 0.01) {
        configuration = Configuration(negativeSlope: negativeSlope)
        super.init()
    }
    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(negativeSlope: configuration.negativeSlope)
    }
    public override func forward(_ input: Tensor) -> Tensor { leakyRelu(input, negativeSlope: negativeSlope) }
    public override func outputShape(forInput shape: [Int]) -> [Int]? { shape }
    public override var layerDescription: String { "LeakyReLU(negativeSlope: \(negativeSlope))" }
}

/// `elu(x, alpha:)` as a layer.
public final class ELU: Module, DescribableLayer {
    /// `{"alpha": 1}`.
    public struct Configuration: LayerConfiguration {
        /// The saturation value for negative inputs.
        public var alpha: Float
        /// A configuration; α = 1 by default.
        public init(alpha: Float = 1) { self.alpha = alpha }
        public init(from decoder: Decoder) throws {
            alpha = try decoder.container(keyedBy: CodingKeys.self).decode(.alpha, default: 1)
        }
        private enum CodingKeys: String, CodingKey { case alpha }
    }

    public let configuration: Configuration
    /// The saturation value for negative inputs.
    public var alpha: Float { configuration.alpha }
    /// `x` for `x > 0`, `α(eˣ − 1)` otherwise; α = 1 by default.
    public init(alpha: Float = 1) {
        configuration = Configuration(alpha: alpha)
        super.init()
    }
    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(alpha: configuration.alpha)
    }
    public override func forward(_ input: Tensor) -> Tensor { elu(input, alpha: alpha) }
    public override func outputShape(forInput shape: [Int]) -> [Int]? { shape }
    public override var layerDescription: String { "ELU(alpha: \(alpha))" }
}

/// `gelu(x, approximate:)` as a layer (exact erf form by default).
public final class GELU: Module, DescribableLayer {
    /// `{"approximate": false}`: true is the tanh approximation.
    public struct Configuration: LayerConfiguration {
        /// Exact (erf) or the tanh approximation.
        public var approximate: GELUApproximation
        /// A configuration; exact by default.
        public init(approximate: GELUApproximation = .none) { self.approximate = approximate }
        private enum CodingKeys: String, CodingKey { case approximate }
        public init(from decoder: Decoder) throws {
            let tanh = try decoder.container(keyedBy: CodingKeys.self).decode(.approximate, default: false)
            approximate = tanh ? .tanh : .none
        }
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(approximate == .tanh, forKey: .approximate)
        }
    }

    public let configuration: Configuration
    /// Exact (erf) or the tanh approximation.
    public var approximate: GELUApproximation { configuration.approximate }
    /// `x·Φ(x)`, exact by default (PyTorch's `approximate='none'`).
    public init(approximate: GELUApproximation = .none) {
        configuration = Configuration(approximate: approximate)
        super.init()
    }
    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(approximate: configuration.approximate)
    }
    public override func forward(_ input: Tensor) -> Tensor { gelu(input, approximate: approximate) }
    public override func outputShape(forInput shape: [Int]) -> [Int]? { shape }
    public override var layerDescription: String { approximate == .none ? "GELU()" : "GELU(approximate: .tanh)" }
}

/// `silu(x)` as a layer.
public final class SiLU: Module, ParameterlessLayer {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { silu(input) }
    public override func outputShape(forInput shape: [Int]) -> [Int]? { shape }
}

/// `softplus(x, beta:, threshold:)` as a layer.
public final class Softplus: Module, DescribableLayer {
    /// `{"beta": 1, "threshold": 20}`.
    public struct Configuration: LayerConfiguration {
        /// The sharpness β (1).
        public var beta: Float
        /// Above `β·x > threshold` (20) the layer returns `x`, for stability.
        public var threshold: Float
        /// A configuration with PyTorch's defaults.
        public init(beta: Float = 1, threshold: Float = 20) {
            self.beta = beta
            self.threshold = threshold
        }
        public func validate() throws(LayerConfigurationError) {
            try LayerConfigurationError.require(beta != 0 && beta.isFinite, "beta \(beta) must be a non-zero number")
        }
        private enum CodingKeys: String, CodingKey { case beta, threshold }
        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            beta = try container.decode(.beta, default: 1)
            threshold = try container.decode(.threshold, default: 20)
        }
    }

    public let configuration: Configuration
    /// The sharpness β.
    public var beta: Float { configuration.beta }
    /// Above `β·x > threshold` the layer returns `x`.
    public var threshold: Float { configuration.threshold }
    /// `log(1 + e^{βx}) / β`, with PyTorch's defaults β = 1 and threshold 20.
    public init(beta: Float = 1, threshold: Float = 20) {
        configuration = Configuration(beta: beta, threshold: threshold).validated(for: "Softplus")
        super.init()
    }
    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(beta: configuration.beta, threshold: configuration.threshold)
    }
    public override func forward(_ input: Tensor) -> Tensor { softplus(input, beta: beta, threshold: threshold) }
    public override func outputShape(forInput shape: [Int]) -> [Int]? { shape }
    public override var layerDescription: String { "Softplus(beta: \(beta), threshold: \(threshold))" }
}

/// `sigmoid(x)` as a layer.
public final class Sigmoid: Module, ParameterlessLayer {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { sigmoid(input) }
    public override func outputShape(forInput shape: [Int]) -> [Int]? { shape }
}

/// `tanh(x)` as a layer.
public final class Tanh: Module, ParameterlessLayer {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { tanh(input) }
    public override func outputShape(forInput shape: [Int]) -> [Int]? { shape }
}

/// The axis a softmax normalises (`{"axis": 1}`); it must be given, as there is no implicit choice.
public struct SoftmaxConfiguration: LayerConfiguration {
    /// The axis the probabilities sum to 1 along.
    public var axis: Int
    /// A configuration along `axis`.
    public init(axis: Int) { self.axis = axis }
}

/// `softmax(x, axis:)` as a layer; the axis must be given (no implicit choice).
public final class Softmax: Module, DescribableLayer {
    public let configuration: SoftmaxConfiguration
    /// The axis the probabilities sum to 1 along.
    public var axis: Int { configuration.axis }
    /// Softmax along `axis` (negative counts from the end).
    public init(axis: Int) {
        configuration = SoftmaxConfiguration(axis: axis)
        super.init()
    }
    public convenience init(configuration: SoftmaxConfiguration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(axis: configuration.axis)
    }
    public override func forward(_ input: Tensor) -> Tensor { softmax(input, axis: axis) }
    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        try LayerShapeError.require(
            (-shape.count..<shape.count).contains(axis), "\(layerDescription): axis \(axis) is out of range for an input of shape \(shape)")
        return shape
    }
    public override var layerDescription: String { "Softmax(axis: \(axis))" }
}

/// `logSoftmax(x, axis:)` as a layer.
public final class LogSoftmax: Module, DescribableLayer {
    public let configuration: SoftmaxConfiguration
    /// The axis the log-probabilities are normalised along.
    public var axis: Int { configuration.axis }
    /// Log-softmax along `axis` (negative counts from the end).
    public init(axis: Int) {
        configuration = SoftmaxConfiguration(axis: axis)
        super.init()
    }
    public convenience init(configuration: SoftmaxConfiguration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(axis: configuration.axis)
    }
    public override func forward(_ input: Tensor) -> Tensor { logSoftmax(input, axis: axis) }
    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        try LayerShapeError.require(
            (-shape.count..<shape.count).contains(axis), "\(layerDescription): axis \(axis) is out of range for an input of shape \(shape)")
        return shape
    }
    public override var layerDescription: String { "LogSoftmax(axis: \(axis))" }
}
