import NeuriteCore

extension Explainer {
    /// Saliency (Simonyan et al. 2013, Captum's `Saliency`): the gradient of the target output
    /// with respect to each input, `∂F_target/∂x`, in absolute value by default (Captum's
    /// `abs=True`).
    ///
    /// - Parameters:
    ///   - inputs: a batch `[N, …]`.
    ///   - target: the output explained (default: each example's predicted class).
    ///   - absolute: return `|∂F/∂x|` (default) or the signed gradient.
    /// - Returns: attributions of the inputs' shape.
    public func saliency(_ inputs: Tensor, target: AttributionTarget = .predicted, absolute: Bool = true) -> Tensor {
        let gradient = gradient(at: inputs, target: target, operation: "saliency")
        return absolute ? abs(gradient) : gradient
    }

    /// Gradient × input (Captum's `InputXGradient`): `x ⊙ ∂F_target/∂x`, signed. For a linear
    /// model `F = w·x + b` it is each feature's term `wᵢ xᵢ`.
    ///
    /// - Returns: attributions of the inputs' shape `[N, …]`.
    public func gradientTimesInput(_ inputs: Tensor, target: AttributionTarget = .predicted) -> Tensor {
        inputs.detached() * gradient(at: inputs, target: target, operation: "gradientTimesInput")
    }
}
