import NeuriteCore
import NeuriteNN

/// What RMSprop remembers about a parameter, under PyTorch's names: the step count, the running
/// average of squared gradients (`square_avg`), of gradients when centered (`grad_avg`), and the
/// momentum buffer (`momentum_buffer`).
public struct RMSpropState: ParameterState {
    /// Updates made (PyTorch's `step`).
    public var step = 0
    /// The running average of squared gradients (`square_avg`).
    public var squareAverage: Tensor?
    /// The running average of gradients, when centered (`grad_avg`).
    public var gradientAverage: Tensor?
    /// The momentum buffer, when momentum is used (`momentum_buffer`).
    public var momentumBuffer: Tensor?
    public init() {}
    public static var tensorFields: [(name: String, field: WritableKeyPath<Self, Tensor?>)] {
        [("square_avg", \.squareAverage), ("grad_avg", \.gradientAverage), ("momentum_buffer", \.momentumBuffer)]
    }
    public static var stepField: WritableKeyPath<Self, Int>? { \.step }
}

/// RMSprop with PyTorch's update (`torch.optim.RMSprop`):
/// ```
/// g ← ∇ + λθ
/// v ← αv + (1 − α)g²;   ṽ = v, or v − ḡ² with ḡ ← αḡ + (1 − α)g when centered
/// step = g / (√ṽ + ε);  with momentum μ: b ← μb + step, step = b
/// θ ← θ − γ·step
/// ```
/// ε is outside the square root (Keras puts it inside). Defaults: γ = 10⁻², α = 0.99, ε = 10⁻⁸.
public final class RMSprop: StatefulOptimizer<RMSpropState> {
    /// RMSprop's hyper-parameters, checked by `validate()` (which the initialiser calls).
    public struct Settings: Sendable, Equatable {
        /// The step size (1e-2).
        public var learningRate: Float = 1e-2
        /// The smoothing constant of the square average (0.99).
        public var alpha: Float = 0.99
        /// Added to the denominator (1e-8).
        public var epsilon: Float = 1e-8
        /// L2 weight decay added to the gradient (0).
        public var weightDecay: Float = 0
        /// Momentum (0).
        public var momentum: Float = 0
        /// Whether the gradient is centred by its running average (false).
        public var centered = false

        /// Settings; the defaults are PyTorch's `RMSprop`.
        public init(
            learningRate: Float = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8, weightDecay: Float = 0,
            momentum: Float = 0, centered: Bool = false
        ) {
            self.learningRate = learningRate
            self.alpha = alpha
            self.epsilon = epsilon
            self.weightDecay = weightDecay
            self.momentum = momentum
            self.centered = centered
        }

        /// Throws naming the first setting out of range.
        public func validate() throws(OptimizerConfigurationError) {
            try OptimizerConfigurationError.require(
                learningRate >= 0 && learningRate.isFinite, "RMSprop: learning rate \(learningRate) must be a finite non-negative number")
            try OptimizerConfigurationError.require(
                weightDecay >= 0 && weightDecay.isFinite, "RMSprop: weight decay \(weightDecay) must be a finite non-negative number")
            try OptimizerConfigurationError.require((0...1).contains(alpha), "RMSprop: alpha \(alpha) is not in [0, 1]")
            try OptimizerConfigurationError.require(
                momentum >= 0 && momentum.isFinite && epsilon >= 0 && epsilon.isFinite,
                "RMSprop: momentum \(momentum) and epsilon \(epsilon) must be finite non-negative numbers")
        }
    }

    /// The hyper-parameters (the learning rate and weight decay are the groups' defaults).
    public private(set) var settings: Settings

    /// An optimiser over parameter groups with validated settings.
    public init(_ groups: [ParameterGroup], settings: Settings) throws(OptimizerConfigurationError) {
        try settings.validate()
        self.settings = settings
        try super.init(groups: groups, learningRate: settings.learningRate, weightDecay: settings.weightDecay, name: "RMSprop")
    }

    /// RMSprop over parameter groups with PyTorch's defaults.
    public convenience init(
        _ groups: [ParameterGroup], learningRate: Float = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8,
        weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false
    ) throws(OptimizerConfigurationError) {
        try self.init(
            groups,
            settings: Settings(
                learningRate: learningRate, alpha: alpha, epsilon: epsilon, weightDecay: weightDecay,
                momentum: momentum, centered: centered))
    }

    /// One group holding `parameters`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8,
        weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false
    ) throws(OptimizerConfigurationError) {
        try self.init(
            [ParameterGroup(parameters)], learningRate: learningRate, alpha: alpha, epsilon: epsilon,
            weightDecay: weightDecay, momentum: momentum, centered: centered)
    }

    public override func update(_ parameter: Parameter, gradient: Tensor, group: Group, state: inout RMSpropState) {
        state.step += 1
        let alpha = settings.alpha
        var g = gradient
        if group.weightDecay != 0 { g = g + parameter.value * group.weightDecay }
        let squareAverage = (state.squareAverage ?? Tensor.zeros(g.shape)) * alpha + g * g * (1 - alpha)
        state.squareAverage = squareAverage
        var variance = squareAverage
        if settings.centered {
            let gradientAverage = (state.gradientAverage ?? Tensor.zeros(g.shape)) * alpha + g * (1 - alpha)
            state.gradientAverage = gradientAverage
            variance = squareAverage - gradientAverage * gradientAverage
        }
        var step = g / (sqrt(variance) + settings.epsilon)
        if settings.momentum > 0 {
            step = (state.momentumBuffer ?? Tensor.zeros(g.shape)) * settings.momentum + step
            state.momentumBuffer = step
        }
        parameter.value -= step * group.learningRate
    }

    public override var cycledMomentum: Float? {
        get { settings.momentum }
        set { if let newValue { settings.momentum = newValue } }
    }
}
