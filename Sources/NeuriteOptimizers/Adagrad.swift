import NeuriteCore
import NeuriteNN

/// Adagrad with PyTorch's update (`torch.optim.Adagrad`):
/// `g ← ∇ + λθ;  s ← s + g²;  θ ← θ − γₜ·g / (√s + ε)` with `γₜ = γ / (1 + (t − 1)·decay)`.
/// Defaults: γ = 10⁻², no decay, initial accumulator 0, ε = 10⁻¹⁰.
public final class Adagrad: Optimizer {
    public let learningRateDecay: Float
    public let initialAccumulatorValue: Float
    public let epsilon: Float

    public init(
        _ groups: [ParameterGroup], learningRate: Float = 1e-2, learningRateDecay: Float = 0,
        weightDecay: Float = 0, initialAccumulatorValue: Float = 0, epsilon: Float = 1e-10
    ) throws(OptimizerConfigurationError) {
        self.learningRateDecay = learningRateDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        self.epsilon = epsilon
        try super.init(groups: groups, learningRate: learningRate, weightDecay: weightDecay, name: "Adagrad")
        try Self.require(learningRateDecay >= 0 && initialAccumulatorValue >= 0 && epsilon >= 0,
                         "Adagrad: learning-rate decay, initial accumulator and epsilon must not be negative")
    }

    /// One group holding `parameters`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1e-2, learningRateDecay: Float = 0,
        weightDecay: Float = 0, initialAccumulatorValue: Float = 0, epsilon: Float = 1e-10
    ) throws(OptimizerConfigurationError) {
        try self.init([ParameterGroup(parameters)], learningRate: learningRate, learningRateDecay: learningRateDecay,
                      weightDecay: weightDecay, initialAccumulatorValue: initialAccumulatorValue, epsilon: epsilon)
    }

    public override func update(_ parameter: Parameter, gradient: Tensor, group: ParameterGroup, state: inout [String: Tensor]) {
        let step = (state["step"]?.scalar ?? 0) + 1
        state["step"] = Tensor(step)
        var g = gradient
        if group.weightDecay != 0 { g = g + parameter.value * group.weightDecay }
        let sum = (state["sum"] ?? Tensor.full(g.shape, value: initialAccumulatorValue)) + g * g
        state["sum"] = sum
        let rate = group.learningRate / (1 + (step - 1) * learningRateDecay)
        parameter.value -= g / (sqrt(sum) + epsilon) * rate
    }
}
