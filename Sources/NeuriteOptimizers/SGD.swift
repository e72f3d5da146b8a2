import NeuriteCore
import NeuriteNN

/// Stochastic gradient descent with PyTorch's update (`torch.optim.SGD`):
/// ```
/// g ← ∇ + λθ                                    (weight decay, coupled: an L2 penalty)
/// b ← g on the first step, else μb + (1 − τ)g   (momentum μ, dampening τ)
/// g ← nesterov ? g + μb : b
/// θ ← θ − γg
/// ```
/// The velocity is not multiplied by the learning rate, so changing γ (a schedule) rescales the
/// whole step; Keras's `v ← μv − γg` differs there. Defaults are PyTorch's: γ = 10⁻³, no momentum.
public final class SGD: Optimizer {
    public var momentum: Float
    public let dampening: Float
    public let nesterov: Bool

    public init(
        _ groups: [ParameterGroup], learningRate: Float = 1e-3, momentum: Float = 0, dampening: Float = 0,
        weightDecay: Float = 0, nesterov: Bool = false
    ) throws(OptimizerConfigurationError) {
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        try super.init(groups: groups, learningRate: learningRate, weightDecay: weightDecay, name: "SGD")
        try Self.require(momentum >= 0, "SGD: momentum \(momentum) is negative")
        try Self.require(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum needs momentum > 0 and dampening 0")
    }

    /// One group holding `parameters`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1e-3, momentum: Float = 0, dampening: Float = 0,
        weightDecay: Float = 0, nesterov: Bool = false
    ) throws(OptimizerConfigurationError) {
        try self.init([ParameterGroup(parameters)], learningRate: learningRate, momentum: momentum,
                      dampening: dampening, weightDecay: weightDecay, nesterov: nesterov)
    }

    public override func update(_ parameter: Parameter, gradient: Tensor, group: ParameterGroup, state: inout [String: Tensor]) {
        var g = gradient
        if group.weightDecay != 0 { g = g + parameter.value * group.weightDecay }
        if momentum != 0 {
            let buffer = state["momentum_buffer"].map { $0 * momentum + g * (1 - dampening) } ?? g
            state["momentum_buffer"] = buffer
            g = nesterov ? g + buffer * momentum : buffer
        }
        parameter.value -= g * group.learningRate
    }

    public override var cycledMomentum: Float? {
        get { momentum }
        set { if let newValue { momentum = newValue } }
    }
}
