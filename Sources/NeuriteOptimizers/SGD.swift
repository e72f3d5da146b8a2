import NeuriteCore
import NeuriteNN

/// What SGD remembers about a parameter: the velocity (PyTorch's `momentum_buffer`), kept only
/// with momentum.
public struct SGDState: ParameterState {
    /// The momentum buffer (PyTorch's `momentum_buffer`), made on the first update with momentum.
    public var momentumBuffer: Tensor?
    public init() {}
    public static var tensorFields: [(name: String, field: WritableKeyPath<Self, Tensor?>)] { [("momentum_buffer", \.momentumBuffer)] }
}

/// Stochastic gradient descent with PyTorch's update (`torch.optim.SGD`):
/// ```
/// g ← ∇ + λθ                                    (weight decay, coupled: an L2 penalty)
/// b ← g on the first step, else μb + (1 − τ)g   (momentum μ, dampening τ)
/// g ← nesterov ? g + μb : b
/// θ ← θ − γg
/// ```
/// The velocity is not multiplied by the learning rate, so changing γ (a schedule) rescales the
/// whole step; Keras's `v ← μv − γg` differs there. Defaults are PyTorch's: γ = 10⁻³, no momentum.
public final class SGD: StatefulOptimizer<SGDState> {
    /// SGD's hyper-parameters, checked by `validate()` (which the initialiser calls).
    public struct Settings: Sendable, Equatable {
        /// The step size (PyTorch's default is required there; 1e-3 here).
        public var learningRate: Float = 1e-3
        /// Momentum (0).
        public var momentum: Float = 0
        /// Dampening of the momentum (0).
        public var dampening: Float = 0
        /// L2 weight decay added to the gradient (0).
        public var weightDecay: Float = 0
        /// Nesterov momentum (false; needs momentum and no dampening).
        public var nesterov = false

        /// Settings; the defaults are PyTorch's `SGD`.
        public init(learningRate: Float = 1e-3, momentum: Float = 0, dampening: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
            self.learningRate = learningRate
            self.momentum = momentum
            self.dampening = dampening
            self.weightDecay = weightDecay
            self.nesterov = nesterov
        }

        /// Throws naming the first setting out of range.
        public func validate() throws(OptimizerConfigurationError) {
            try OptimizerConfigurationError.require(
                learningRate >= 0 && learningRate.isFinite, "SGD: learning rate \(learningRate) must be a finite non-negative number")
            try OptimizerConfigurationError.require(
                weightDecay >= 0 && weightDecay.isFinite, "SGD: weight decay \(weightDecay) must be a finite non-negative number")
            try OptimizerConfigurationError.require(
                momentum >= 0 && momentum.isFinite, "SGD: momentum \(momentum) must be a finite non-negative number")
            try OptimizerConfigurationError.require(
                !nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum needs momentum > 0 and dampening 0")
        }
    }

    /// The hyper-parameters (the learning rate and weight decay are the groups' defaults).
    public private(set) var settings: Settings

    /// An optimiser over parameter groups with validated settings.
    public init(_ groups: [ParameterGroup], settings: Settings) throws(OptimizerConfigurationError) {
        try settings.validate()
        self.settings = settings
        try super.init(groups: groups, learningRate: settings.learningRate, weightDecay: settings.weightDecay, name: "SGD")
    }

    /// SGD over parameter groups.
    public convenience init(
        _ groups: [ParameterGroup], learningRate: Float = 1e-3, momentum: Float = 0, dampening: Float = 0,
        weightDecay: Float = 0, nesterov: Bool = false
    ) throws(OptimizerConfigurationError) {
        try self.init(
            groups,
            settings: Settings(
                learningRate: learningRate, momentum: momentum, dampening: dampening,
                weightDecay: weightDecay, nesterov: nesterov))
    }

    /// One group holding `parameters`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1e-3, momentum: Float = 0, dampening: Float = 0,
        weightDecay: Float = 0, nesterov: Bool = false
    ) throws(OptimizerConfigurationError) {
        try self.init(
            [ParameterGroup(parameters)], learningRate: learningRate, momentum: momentum,
            dampening: dampening, weightDecay: weightDecay, nesterov: nesterov)
    }

    public override func update(_ parameter: Parameter, gradient: Tensor, group: Group, state: inout SGDState) {
        var g = gradient
        if group.weightDecay != 0 { g = g + parameter.value * group.weightDecay }
        let momentum = settings.momentum
        if momentum != 0 {
            let buffer = state.momentumBuffer.map { $0 * momentum + g * (1 - settings.dampening) } ?? g
            state.momentumBuffer = buffer
            g = settings.nesterov ? g + buffer * momentum : buffer
        }
        parameter.value -= g * group.learningRate
    }

    /// A sparse table's update: without momentum or weight decay only the rows with a gradient
    /// change, exactly as the dense update would change them (the others' gradient is zero);
    /// otherwise the dense update runs (PyTorch's momentum buffer is dense too).
    public override func update(_ parameter: Parameter, rows: RowSparseGradient, group: Group, state: inout SGDState) {
        guard group.weightDecay == 0 && settings.momentum == 0 else {
            return update(parameter, gradient: rows.densified(), group: group, state: &state)
        }
        let (rate, dimension) = (group.learningRate, rows.shape[1])
        rows.values.withUnsafeBufferPointer { g in
            parameter.value.withUnsafeMutableBufferPointer { theta in
                for (slot, row) in rows.rows.enumerated() {
                    for k in 0..<dimension { theta[row * dimension + k] -= g[slot * dimension + k] * rate }
                }
            }
        }
    }

    public override var cycledMomentum: Float? {
        get { settings.momentum }
        set { if let newValue { settings.momentum = newValue } }
    }
}
