import NeuriteCore
import NeuriteKernels
import NeuriteNN

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What Adam remembers about a parameter, under PyTorch's names: the step count, the first and
/// second moment estimates (`exp_avg`, `exp_avg_sq`) and, with AMSGrad, the running maximum of
/// the second (`max_exp_avg_sq`).
public struct AdamState: ParameterState {
    /// Updates made (PyTorch's `step`).
    public var step = 0
    /// The first moment m (PyTorch's `exp_avg`).
    public var exponentialAverage: Tensor?
    /// The second moment v (PyTorch's `exp_avg_sq`).
    public var exponentialAverageOfSquares: Tensor?
    /// AMSGrad's running maximum of v (PyTorch's `max_exp_avg_sq`).
    public var maximumExponentialAverageOfSquares: Tensor?
    public init() {}
    public static var tensorFields: [(name: String, field: WritableKeyPath<Self, Tensor?>)] {
        [("exp_avg", \.exponentialAverage), ("exp_avg_sq", \.exponentialAverageOfSquares), ("max_exp_avg_sq", \.maximumExponentialAverageOfSquares)]
    }
    public static var stepField: WritableKeyPath<Self, Int>? { \.step }
}

/// Adam with PyTorch's update (`torch.optim.Adam`):
/// ```
/// t ← t + 1
/// g ← ∇ + λθ            (weight decay; AdamW instead decays θ ← θ(1 − γλ) first)
/// m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²
/// θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
/// ε is added after bias correction (Keras adds it before, and uses ε = 10⁻⁷). With `amsgrad`
/// the running maximum of the raw `v` replaces `v`. Defaults: γ = 10⁻³, β = (0.9, 0.999),
/// ε = 10⁻⁸, no weight decay.
public class Adam: StatefulOptimizer<AdamState> {
    /// Adam's hyper-parameters, checked by `validate()` (which the initialiser calls).
    public struct Settings: Sendable, Equatable {
        /// The step size (1e-3).
        public var learningRate: Float = 1e-3
        /// The decay of the first moment (0.9).
        public var beta1: Float = 0.9
        /// The decay of the second moment (0.999).
        public var beta2: Float = 0.999
        /// Added to √v̂ in the denominator (1e-8).
        public var epsilon: Float = 1e-8
        /// Weight decay: L2 added to the gradient, or decoupled for AdamW (0).
        public var weightDecay: Float = 0
        /// Whether the denominator uses the running maximum of v (AMSGrad; false).
        public var amsgrad = false
        /// Whether weight decay is decoupled (AdamW) rather than added to the gradient.
        public var decoupledWeightDecay = false

        /// Settings; the defaults are PyTorch's `Adam`.
        public init(
            learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
            weightDecay: Float = 0, amsgrad: Bool = false, decoupledWeightDecay: Bool = false
        ) {
            self.learningRate = learningRate
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
            self.amsgrad = amsgrad
            self.decoupledWeightDecay = decoupledWeightDecay
        }

        /// AdamW's defaults: decoupled decay of 0.01 (Keras uses 0.004).
        public static var adamW: Settings { Settings(weightDecay: 0.01, decoupledWeightDecay: true) }

        var name: String { decoupledWeightDecay ? "AdamW" : "Adam" }

        /// Throws naming the first setting out of range.
        public func validate() throws(OptimizerConfigurationError) {
            try OptimizerConfigurationError.require(
                learningRate >= 0 && learningRate.isFinite, "\(name): learning rate \(learningRate) must be a finite non-negative number")
            try OptimizerConfigurationError.require(
                weightDecay >= 0 && weightDecay.isFinite, "\(name): weight decay \(weightDecay) must be a finite non-negative number")
            try OptimizerConfigurationError.require(
                (0..<1).contains(beta1) && (0..<1).contains(beta2), "\(name): betas (\(beta1), \(beta2)) must be in [0, 1)")
            try OptimizerConfigurationError.require(
                epsilon >= 0 && epsilon.isFinite, "\(name): epsilon \(epsilon) must be a finite non-negative number")
        }
    }

    /// The hyper-parameters (the learning rate and weight decay are the groups' defaults).
    public private(set) var settings: Settings

    /// An optimiser over parameter groups with validated settings.
    public init(_ groups: [ParameterGroup], settings: Settings) throws(OptimizerConfigurationError) {
        try settings.validate()
        self.settings = settings
        try super.init(groups: groups, learningRate: settings.learningRate, weightDecay: settings.weightDecay, name: settings.name)
    }

    /// Adam over parameter groups with PyTorch's defaults.
    public convenience init(
        _ groups: [ParameterGroup], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0, amsgrad: Bool = false
    ) throws(OptimizerConfigurationError) {
        try self.init(
            groups,
            settings: Settings(
                learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                weightDecay: weightDecay, amsgrad: amsgrad))
    }

    /// One group holding `parameters`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0, amsgrad: Bool = false
    ) throws(OptimizerConfigurationError) {
        try self.init(
            [ParameterGroup(parameters)], learningRate: learningRate, beta1: beta1, beta2: beta2,
            epsilon: epsilon, weightDecay: weightDecay, amsgrad: amsgrad)
    }

    /// The dense update: one pass over the parameter, its gradient and both moments, in place and
    /// across threads (`FusedAdam`), computing each element exactly as `referenceUpdate` does (the
    /// same float operations in the same order, so the same bits) without its dozen temporary
    /// tensors. AMSGrad takes the reference path.
    public override func update(_ parameter: Parameter, gradient: Tensor, group: Group, state: inout AdamState) {
        guard !settings.amsgrad, gradient.shape == parameter.shape else {
            return referenceUpdate(parameter, gradient: gradient, group: group, state: &state)
        }
        state.step += 1
        let (beta1, beta2) = (settings.beta1, settings.beta2)
        let correction1 = Float(1 - pow(Double(beta1), Double(state.step)))
        let correction2 = Float(1 - pow(Double(beta2), Double(state.step)))
        let decay = group.weightDecay
        let (mode, factor): (FusedAdam.Decay, Float) =
            decay == 0 ? (.none, 0) : settings.decoupledWeightDecay ? (.decoupled, 1 - group.learningRate * decay) : (.coupled, decay)
        // Taken out of the state so that their buffers are not shared and update in place.
        var m = state.exponentialAverage ?? Tensor.zeros(gradient.shape)
        var v = state.exponentialAverageOfSquares ?? Tensor.zeros(gradient.shape)
        (state.exponentialAverage, state.exponentialAverageOfSquares) = (nil, nil)
        gradient.withUnsafeBufferPointer { g in
            m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                    parameter.value.withUnsafeMutableBufferPointer { p in
                        FusedAdam.update(
                            parameter: p.baseAddress!, firstMoment: m.baseAddress!, secondMoment: v.baseAddress!, gradient: g.baseAddress!,
                            count: g.count, beta1: beta1, beta2: beta2, root2: correction2.squareRoot(), epsilon: settings.epsilon,
                            stepSize: group.learningRate / correction1, decay: mode, factor: factor)
                    }
                }
            }
        }
        (state.exponentialAverage, state.exponentialAverageOfSquares) = (m, v)
    }

    /// Adam's update written as tensor operations, one per term of the formula: the definition the
    /// fused `update` is tested against, and the AMSGrad path.
    func referenceUpdate(_ parameter: Parameter, gradient: Tensor, group: Group, state: inout AdamState) {
        state.step += 1
        let (beta1, beta2) = (settings.beta1, settings.beta2)
        var g = gradient
        if group.weightDecay != 0 {
            if settings.decoupledWeightDecay {
                parameter.value *= 1 - group.learningRate * group.weightDecay
            } else {
                g = g + parameter.value * group.weightDecay
            }
        }
        let m = (state.exponentialAverage ?? Tensor.zeros(g.shape)) * beta1 + g * (1 - beta1)
        let v = (state.exponentialAverageOfSquares ?? Tensor.zeros(g.shape)) * beta2 + g * g * (1 - beta2)
        state.exponentialAverage = m
        state.exponentialAverageOfSquares = v
        var second = v
        if settings.amsgrad {
            second = state.maximumExponentialAverageOfSquares.map { Tensor.maximum($0, v) } ?? v
            state.maximumExponentialAverageOfSquares = second
        }
        // Bias corrections in Double: 1 − βᵗ loses digits in Float for small t·(1 − β).
        let correction1 = Float(1 - pow(Double(beta1), Double(state.step)))
        let correction2 = Float(1 - pow(Double(beta2), Double(state.step)))
        let denominator = sqrt(second) / correction2.squareRoot() + settings.epsilon
        parameter.value -= m / denominator * (group.learningRate / correction1)
    }

    /// The lazy update of a sparse table (PyTorch's `SparseAdam`): only the rows with a gradient
    /// change, and only their moments move; rows not in the batch keep theirs (the dense update
    /// would decay them). The formula per row is Adam's above, with the step count shared by the
    /// table, so a step in which every row has a gradient is the dense step. (`SparseAdam` places
    /// ε before the bias correction: `θ ← θ − γ·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)`.) With weight
    /// decay or AMSGrad the dense update runs instead.
    public override func update(_ parameter: Parameter, rows: RowSparseGradient, group: Group, state: inout AdamState) {
        guard group.weightDecay == 0 && !settings.amsgrad else {
            return update(parameter, gradient: rows.densified(), group: group, state: &state)
        }
        state.step += 1
        let (beta1, beta2, epsilon) = (settings.beta1, settings.beta2, settings.epsilon)
        let correction1 = Float(1 - pow(Double(beta1), Double(state.step)))
        let root2 = Float(1 - pow(Double(beta2), Double(state.step))).squareRoot()
        let stepSize = group.learningRate / correction1
        var m = state.exponentialAverage ?? Tensor.zeros(parameter.shape)
        var v = state.exponentialAverageOfSquares ?? Tensor.zeros(parameter.shape)
        state.exponentialAverage = nil
        state.exponentialAverageOfSquares = nil
        let dimension = rows.shape[1]
        rows.values.withUnsafeBufferPointer { g in
            m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                    parameter.value.withUnsafeMutableBufferPointer { theta in
                        // Rows are independent: threads take ranges of them (the rows of a big
                        // table are scattered in memory, so the update waits on memory, and two
                        // cores wait in parallel).
                        let rowList = rows.rows
                        let threads = rowList.count * dimension < 1 << 15 ? 1 : Threading.maximumThreads
                        Parallel.forEachRange(rowList.count, threads: threads) { slots in
                            for slot in slots {
                                let row = rowList[slot]
                                Self.lazyRowUpdate(
                                    gradient: g.baseAddress! + slot * dimension, m: m.baseAddress! + row * dimension,
                                    v: v.baseAddress! + row * dimension, theta: theta.baseAddress! + row * dimension, count: dimension,
                                    beta1: beta1, beta2: beta2, root2: root2, epsilon: epsilon, stepSize: stepSize)
                            }
                        }
                    }
                }
            }
        }
        state.exponentialAverage = m
        state.exponentialAverageOfSquares = v
    }

    /// One row of the lazy update, eight values at a time: the dense update's operations in the
    /// dense update's order (so that the two agree to the bit; no fused multiply-adds).
    @inline(__always)
    private static func lazyRowUpdate(
        gradient: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
        theta: UnsafeMutablePointer<Float>, count: Int, beta1: Float, beta2: Float, root2: Float, epsilon: Float, stepSize: Float
    ) {
        typealias Lanes = SIMD8<Float>
        let (keep1, keep2) = (Lanes(repeating: beta1), Lanes(repeating: beta2))
        let (take1, take2) = (Lanes(repeating: 1 - beta1), Lanes(repeating: 1 - beta2))
        let (root, small, size) = (Lanes(repeating: root2), Lanes(repeating: epsilon), Lanes(repeating: stepSize))
        func load(_ pointer: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self) }
        func store(_ value: Lanes, _ pointer: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Lanes.self) }
        var k = 0
        while k + Lanes.scalarCount <= count {
            let g = load(gradient + k)
            let newM = load(m + k) * keep1 + g * take1
            let newV = load(v + k) * keep2 + g * g * take2
            store(newM, m + k)
            store(newV, v + k)
            store(load(theta + k) - newM / (newV.squareRoot() / root + small) * size, theta + k)
            k += Lanes.scalarCount
        }
        while k < count {
            let g = gradient[k]
            m[k] = m[k] * beta1 + g * (1 - beta1)
            v[k] = v[k] * beta2 + g * g * (1 - beta2)
            theta[k] -= m[k] / (v[k].squareRoot() / root2 + epsilon) * stepSize
            k += 1
        }
    }

    public override var cycledMomentum: Float? {
        get { settings.beta1 }
        set { if let newValue { settings.beta1 = newValue } }
    }
}

/// Adam with decoupled weight decay (`torch.optim.AdamW`): `θ ← θ·(1 − γλ)` before the Adam step,
/// so the decay is not scaled by the adaptive denominator. PyTorch's default λ = 0.01 (Keras 0.004).
public final class AdamW: Adam {
    public override init(_ groups: [ParameterGroup], settings: Settings = .adamW) throws(OptimizerConfigurationError) {
        var settings = settings
        settings.decoupledWeightDecay = true
        try super.init(groups, settings: settings)
    }

    public convenience init(
        _ groups: [ParameterGroup], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0.01, amsgrad: Bool = false
    ) throws(OptimizerConfigurationError) {
        try self.init(
            groups,
            settings: Settings(
                learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                weightDecay: weightDecay, amsgrad: amsgrad, decoupledWeightDecay: true))
    }

    /// One group holding `parameters`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0.01, amsgrad: Bool = false
    ) throws(OptimizerConfigurationError) {
        try self.init(
            [ParameterGroup(parameters)], learningRate: learningRate, beta1: beta1, beta2: beta2,
            epsilon: epsilon, weightDecay: weightDecay, amsgrad: amsgrad)
    }
}
