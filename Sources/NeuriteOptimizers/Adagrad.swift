import NeuriteCore
import NeuriteNN

/// What Adagrad remembers about a parameter, under PyTorch's names: the step count and the sum of
/// squared gradients (`sum`).
public struct AdagradState: ParameterState {
    /// Updates made (PyTorch's `step`).
    public var step = 0
    /// The sum of squared gradients (PyTorch's `sum`).
    public var sum: Tensor?
    public init() {}
    public static var tensorFields: [(name: String, field: WritableKeyPath<Self, Tensor?>)] { [("sum", \.sum)] }
    public static var stepField: WritableKeyPath<Self, Int>? { \.step }
}

/// Adagrad with PyTorch's update (`torch.optim.Adagrad`):
/// `g ← ∇ + λθ;  s ← s + g²;  θ ← θ − γₜ·g / (√s + ε)` with `γₜ = γ / (1 + (t − 1)·decay)`.
/// Defaults: γ = 10⁻², no decay, initial accumulator 0, ε = 10⁻¹⁰.
public final class Adagrad: StatefulOptimizer<AdagradState> {
    /// Adagrad's hyper-parameters, checked by `validate()` (which the initialiser calls).
    public struct Settings: Sendable, Equatable {
        /// The step size (1e-2).
        public var learningRate: Float = 1e-2
        /// The decay of the step size per update (0).
        public var learningRateDecay: Float = 0
        /// L2 weight decay added to the gradient (0).
        public var weightDecay: Float = 0
        /// The sum's starting value (0).
        public var initialAccumulatorValue: Float = 0
        /// Added to the denominator (1e-10).
        public var epsilon: Float = 1e-10

        /// Settings; the defaults are PyTorch's `Adagrad`.
        public init(
            learningRate: Float = 1e-2, learningRateDecay: Float = 0, weightDecay: Float = 0,
            initialAccumulatorValue: Float = 0, epsilon: Float = 1e-10
        ) {
            self.learningRate = learningRate
            self.learningRateDecay = learningRateDecay
            self.weightDecay = weightDecay
            self.initialAccumulatorValue = initialAccumulatorValue
            self.epsilon = epsilon
        }

        /// Throws naming the first setting out of range.
        public func validate() throws(OptimizerConfigurationError) {
            try OptimizerConfigurationError.require(
                learningRate >= 0 && learningRate.isFinite, "Adagrad: learning rate \(learningRate) must be a finite non-negative number")
            try OptimizerConfigurationError.require(
                weightDecay >= 0 && weightDecay.isFinite, "Adagrad: weight decay \(weightDecay) must be a finite non-negative number")
            try OptimizerConfigurationError.require(
                learningRateDecay >= 0 && initialAccumulatorValue >= 0 && epsilon >= 0,
                "Adagrad: learning-rate decay, initial accumulator and epsilon must not be negative")
        }
    }

    /// The hyper-parameters (the learning rate and weight decay are the groups' defaults).
    public let settings: Settings

    /// An optimiser over parameter groups with validated settings.
    public init(_ groups: [ParameterGroup], settings: Settings) throws(OptimizerConfigurationError) {
        try settings.validate()
        self.settings = settings
        try super.init(groups: groups, learningRate: settings.learningRate, weightDecay: settings.weightDecay, name: "Adagrad")
    }

    /// Adagrad over parameter groups with PyTorch's defaults.
    public convenience init(
        _ groups: [ParameterGroup], learningRate: Float = 1e-2, learningRateDecay: Float = 0,
        weightDecay: Float = 0, initialAccumulatorValue: Float = 0, epsilon: Float = 1e-10
    ) throws(OptimizerConfigurationError) {
        try self.init(
            groups,
            settings: Settings(
                learningRate: learningRate, learningRateDecay: learningRateDecay, weightDecay: weightDecay,
                initialAccumulatorValue: initialAccumulatorValue, epsilon: epsilon))
    }

    /// One group holding `parameters`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1e-2, learningRateDecay: Float = 0,
        weightDecay: Float = 0, initialAccumulatorValue: Float = 0, epsilon: Float = 1e-10
    ) throws(OptimizerConfigurationError) {
        try self.init(
            [ParameterGroup(parameters)], learningRate: learningRate, learningRateDecay: learningRateDecay,
            weightDecay: weightDecay, initialAccumulatorValue: initialAccumulatorValue, epsilon: epsilon)
    }

    public override func update(_ parameter: Parameter, gradient: Tensor, group: Group, state: inout AdagradState) {
        state.step += 1
        var g = gradient
        if group.weightDecay != 0 { g = g + parameter.value * group.weightDecay }
        let sum = (state.sum ?? Tensor.full(g.shape, value: settings.initialAccumulatorValue)) + g * g
        state.sum = sum
        let rate = group.learningRate / (1 + Float(state.step - 1) * settings.learningRateDecay)
        parameter.value -= g / (sqrt(sum) + settings.epsilon) * rate
    }
}
