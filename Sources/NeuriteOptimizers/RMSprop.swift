import NeuriteCore
import NeuriteNN

/// RMSprop with PyTorch's update (`torch.optim.RMSprop`):
/// ```
/// g ← ∇ + λθ
/// v ← αv + (1 − α)g²;   ṽ = v, or v − ḡ² with ḡ ← αḡ + (1 − α)g when centered
/// step = g / (√ṽ + ε);  with momentum μ: b ← μb + step, step = b
/// θ ← θ − γ·step
/// ```
/// ε is outside the square root (Keras puts it inside). Defaults: γ = 10⁻², α = 0.99, ε = 10⁻⁸.
public final class RMSprop: Optimizer {
    public let alpha: Float
    public let epsilon: Float
    public var momentum: Float
    public let centered: Bool

    public init(
        _ groups: [ParameterGroup], learningRate: Float = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8,
        weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false
    ) throws(OptimizerConfigurationError) {
        self.alpha = alpha
        self.epsilon = epsilon
        self.momentum = momentum
        self.centered = centered
        try super.init(groups: groups, learningRate: learningRate, weightDecay: weightDecay, name: "RMSprop")
        try Self.require((0...1).contains(alpha), "RMSprop: alpha \(alpha) is not in [0, 1]")
        try Self.require(momentum >= 0 && epsilon >= 0, "RMSprop: momentum and epsilon must not be negative")
    }

    /// One group holding `parameters`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8,
        weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false
    ) throws(OptimizerConfigurationError) {
        try self.init([ParameterGroup(parameters)], learningRate: learningRate, alpha: alpha, epsilon: epsilon,
                      weightDecay: weightDecay, momentum: momentum, centered: centered)
    }

    public override func update(_ parameter: Parameter, gradient: Tensor, group: ParameterGroup, state: inout [String: Tensor]) {
        var g = gradient
        if group.weightDecay != 0 { g = g + parameter.value * group.weightDecay }
        let squareAverage = (state["square_avg"] ?? Tensor.zeros(g.shape)) * alpha + g * g * (1 - alpha)
        state["square_avg"] = squareAverage
        var variance = squareAverage
        if centered {
            let gradientAverage = (state["grad_avg"] ?? Tensor.zeros(g.shape)) * alpha + g * (1 - alpha)
            state["grad_avg"] = gradientAverage
            variance = squareAverage - gradientAverage * gradientAverage
        }
        var step = g / (sqrt(variance) + epsilon)
        if momentum > 0 {
            step = (state["momentum_buffer"] ?? Tensor.zeros(g.shape)) * momentum + step
            state["momentum_buffer"] = step
        }
        parameter.value -= step * group.learningRate
    }

    public override var cycledMomentum: Float? {
        get { momentum }
        set { if let newValue { momentum = newValue } }
    }
}
