import NeuriteCore

// The activation functions as layers, for `Sequential`. Each prints like its constructor.

/// `relu(x)` as a layer.
public final class ReLU: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { relu(input) }
}

/// `leakyRelu(x, negativeSlope:)` as a layer (PyTorch's default slope 0.01).
public final class LeakyReLU: Module {
    public let negativeSlope: Float
    public init(negativeSlope: Float = 0.01) { self.negativeSlope = negativeSlope; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { leakyRelu(input, negativeSlope: negativeSlope) }
    public override var layerDescription: String { "LeakyReLU(negativeSlope: \(negativeSlope))" }
}

/// `elu(x, alpha:)` as a layer.
public final class ELU: Module {
    public let alpha: Float
    public init(alpha: Float = 1) { self.alpha = alpha; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { elu(input, alpha: alpha) }
    public override var layerDescription: String { "ELU(alpha: \(alpha))" }
}

/// `gelu(x, approximate:)` as a layer (exact erf form by default).
public final class GELU: Module {
    public let approximate: GELUApproximation
    public init(approximate: GELUApproximation = .none) { self.approximate = approximate; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { gelu(input, approximate: approximate) }
    public override var layerDescription: String { approximate == .none ? "GELU()" : "GELU(approximate: .tanh)" }
}

/// `silu(x)` as a layer.
public final class SiLU: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { silu(input) }
}

/// `softplus(x, beta:, threshold:)` as a layer.
public final class Softplus: Module {
    public let beta: Float, threshold: Float
    public init(beta: Float = 1, threshold: Float = 20) { self.beta = beta; self.threshold = threshold; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { softplus(input, beta: beta, threshold: threshold) }
    public override var layerDescription: String { "Softplus(beta: \(beta), threshold: \(threshold))" }
}

/// `sigmoid(x)` as a layer.
public final class Sigmoid: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { sigmoid(input) }
}

/// `tanh(x)` as a layer.
public final class Tanh: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { tanh(input) }
}

/// `softmax(x, axis:)` as a layer; the axis must be given (no implicit choice).
public final class Softmax: Module {
    public let axis: Int
    public init(axis: Int) { self.axis = axis; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { softmax(input, axis: axis) }
    public override var layerDescription: String { "Softmax(axis: \(axis))" }
}

/// `logSoftmax(x, axis:)` as a layer.
public final class LogSoftmax: Module {
    public let axis: Int
    public init(axis: Int) { self.axis = axis; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { logSoftmax(input, axis: axis) }
    public override var layerDescription: String { "LogSoftmax(axis: \(axis))" }
}
