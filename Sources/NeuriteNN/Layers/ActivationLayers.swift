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
        public var negativeSlope: Float
        public init(negativeSlope: Float = 0.01) { self.negativeSlope = negativeSlope }
        public init(from decoder: Decoder) throws {
            negativeSlope = try decoder.container(keyedBy: CodingKeys.self).decode(.negativeSlope, default: 0.01)
        }
        private enum CodingKeys: String, CodingKey { case negativeSlope }
    }

    public let configuration: Configuration
    public var negativeSlope: Float { configuration.negativeSlope }
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
        public var alpha: Float
        public init(alpha: Float = 1) { self.alpha = alpha }
        public init(from decoder: Decoder) throws {
            alpha = try decoder.container(keyedBy: CodingKeys.self).decode(.alpha, default: 1)
        }
        private enum CodingKeys: String, CodingKey { case alpha }
    }

    public let configuration: Configuration
    public var alpha: Float { configuration.alpha }
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
        public var approximate: GELUApproximation
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
    public var approximate: GELUApproximation { configuration.approximate }
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
        public var beta: Float
        public var threshold: Float
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
    public var beta: Float { configuration.beta }
    public var threshold: Float { configuration.threshold }
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
    public var axis: Int
    public init(axis: Int) { self.axis = axis }
}

/// `softmax(x, axis:)` as a layer; the axis must be given (no implicit choice).
public final class Softmax: Module, DescribableLayer {
    public let configuration: SoftmaxConfiguration
    public var axis: Int { configuration.axis }
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
    public var axis: Int { configuration.axis }
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
