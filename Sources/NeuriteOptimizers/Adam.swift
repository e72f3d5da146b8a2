#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NeuriteCore
import NeuriteNN

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
public class Adam: Optimizer {
    public var beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let amsgrad: Bool
    /// Whether weight decay is decoupled (AdamW) rather than added to the gradient.
    public let decoupledWeightDecay: Bool

    public init(
        _ groups: [ParameterGroup], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0, amsgrad: Bool = false, decoupledWeightDecay: Bool = false
    ) throws(OptimizerConfigurationError) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.amsgrad = amsgrad
        self.decoupledWeightDecay = decoupledWeightDecay
        try super.init(groups: groups, learningRate: learningRate, weightDecay: weightDecay, name: decoupledWeightDecay ? "AdamW" : "Adam")
        try Self.require((0..<1).contains(beta1) && (0..<1).contains(beta2), "Adam: betas (\(beta1), \(beta2)) must be in [0, 1)")
        try Self.require(epsilon >= 0, "Adam: epsilon \(epsilon) is negative")
    }

    /// One group holding `parameters`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0, amsgrad: Bool = false
    ) throws(OptimizerConfigurationError) {
        try self.init([ParameterGroup(parameters)], learningRate: learningRate, beta1: beta1, beta2: beta2,
                      epsilon: epsilon, weightDecay: weightDecay, amsgrad: amsgrad)
    }

    public override func update(_ parameter: Parameter, gradient: Tensor, group: ParameterGroup, state: inout [String: Tensor]) {
        let step = (state["step"]?.scalar ?? 0) + 1
        state["step"] = Tensor(step)
        var g = gradient
        if group.weightDecay != 0 {
            if decoupledWeightDecay {
                parameter.value *= 1 - group.learningRate * group.weightDecay
            } else {
                g = g + parameter.value * group.weightDecay
            }
        }
        let m = (state["exp_avg"] ?? Tensor.zeros(g.shape)) * beta1 + g * (1 - beta1)
        let v = (state["exp_avg_sq"] ?? Tensor.zeros(g.shape)) * beta2 + g * g * (1 - beta2)
        state["exp_avg"] = m
        state["exp_avg_sq"] = v
        var second = v
        if amsgrad {
            second = state["max_exp_avg_sq"].map { Tensor.maximum($0, v) } ?? v
            state["max_exp_avg_sq"] = second
        }
        // Bias corrections in Double: 1 − βᵗ loses digits in Float for small t·(1 − β).
        let correction1 = Float(1 - pow(Double(beta1), Double(step)))
        let correction2 = Float(1 - pow(Double(beta2), Double(step)))
        let denominator = sqrt(second) / correction2.squareRoot() + epsilon
        parameter.value -= m / denominator * (group.learningRate / correction1)
    }

    public override var cycledMomentum: Float? {
        get { beta1 }
        set { if let newValue { beta1 = newValue } }
    }
}

/// Adam with decoupled weight decay (`torch.optim.AdamW`): `θ ← θ·(1 − γλ)` before the Adam step,
/// so the decay is not scaled by the adaptive denominator. PyTorch's default λ = 0.01 (Keras 0.004).
public final class AdamW: Adam {
    public init(
        _ groups: [ParameterGroup], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0.01, amsgrad: Bool = false
    ) throws(OptimizerConfigurationError) {
        try super.init(groups, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                       weightDecay: weightDecay, amsgrad: amsgrad, decoupledWeightDecay: true)
    }

    /// One group holding `parameters`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0.01, amsgrad: Bool = false
    ) throws(OptimizerConfigurationError) {
        try self.init([ParameterGroup(parameters)], learningRate: learningRate, beta1: beta1, beta2: beta2,
                      epsilon: epsilon, weightDecay: weightDecay, amsgrad: amsgrad)
    }
}
