import NeuriteCore

/// The reference input that integrated gradients starts from.
public enum Baseline {
    /// All zeros (Captum's default).
    case zeros
    /// Every feature set to one value (for example the data's mean pixel).
    case constant(Float)
    /// A tensor of the inputs' shape `[N, …]`, or of one example's `[1, …]` (broadcast).
    case tensor(Tensor)

    func values(like inputs: Tensor) -> Tensor {
        switch self {
        case .zeros: return Tensor.zeros(inputs.shape)
        case .constant(let value): return Tensor.full(inputs.shape, value: value)
        case .tensor(let baseline):
            precondition(
                baseline.shape == inputs.shape || baseline.shape == [1] + inputs.shape.dropFirst(),
                "integratedGradients: baseline \(baseline.shape) fits neither the inputs \(inputs.shape) nor one example")
            return baseline.detached().expanded(to: inputs.shape)
        }
    }
}

/// Integrated-gradients attributions with the check that comes with them.
public struct IntegratedGradientsResult {
    /// `(x − b) ⊙ Σₖ wₖ ∂F/∂x(b + αₖ(x − b))`, the inputs' shape `[N, …]`.
    public let attributions: Tensor
    /// Per example, `Σᵢ attributionᵢ − (F(x) − F(b))` (`[N]`): zero when the attributions account
    /// for the whole change of the output (completeness), small when the integral is well
    /// approximated.
    public let convergenceDelta: Tensor
    /// Per example, `F(x) − F(b)` for the target output (`[N]`).
    public let outputDifference: Tensor

    /// `|δ| / |F(x) − F(b)|` per example: the share of the output change the attributions miss.
    public var relativeDelta: [Float] {
        zip(convergenceDelta.scalars, outputDifference.scalars).map { Swift.abs($0) / Swift.abs($1) }
    }
}

extension Explainer {
    /// Integrated gradients (Sundararajan et al. 2017, Captum's `IntegratedGradients`):
    /// `IGᵢ(x) = (xᵢ − bᵢ) · ∫₀¹ ∂F/∂xᵢ(b + α(x − b)) dα`, the integral approximated by `method`
    /// with `steps` points. The attributions of an example add up to `F(x) − F(b)` when the
    /// integral is exact; `convergenceDelta` reports how far they are.
    ///
    /// The points are evaluated in batches `[k · N, …]`, step-major (Captum's order): all steps at
    /// once by default, or as many steps per batch as fit `internalBatchSize` rows. One extra
    /// forward pass over `[x; b]` gives F(x) and F(b) and resolves `.predicted`.
    ///
    /// - Parameters:
    ///   - inputs: a batch `[N, …]`.
    ///   - baseline: the starting point (default zeros).
    ///   - target: the output explained (default: each example's predicted class).
    ///   - steps: the number of points (default 50, Captum's).
    ///   - method: the quadrature rule (default Gauss–Legendre, Captum's).
    ///   - internalBatchSize: the most rows per forward pass (nil: every step at once, up to 2²²
    ///     input values per pass).
    public func integratedGradients(
        _ inputs: Tensor, baseline: Baseline = .zeros, target: AttributionTarget = .predicted,
        steps: Int = 50, method: IntegrationMethod = .gaussLegendre, internalBatchSize: Int? = nil
    ) -> IntegratedGradientsResult {
        precondition(inputs.rank >= 1 && inputs.shape[0] > 0, "integratedGradients: inputs \(inputs.shape) need a non-empty batch axis")
        let inputs = inputs.detached()
        let count = inputs.shape[0]
        let reference = baseline.values(like: inputs)
        // One pass over [x; b] resolves the target and gives F(x) − F(b) for the delta.
        let ends = outputs(Tensor.concatenate([inputs, reference], axis: 0))
        let columns = columns(for: target, outputs: ends[0..<count], inputShape: inputs.shape, operation: "integratedGradients")
        let endValues = selected(ends, columns: columns)
        let outputDifference = endValues[0..<count] - endValues[count..<(2 * count)]
        let difference = inputs - reference
        let (alphas, weights) = method.points(count: steps)
        let stepsPerBatch = Self.repeatsPerBatch(examples: count, values: inputs.scalarCount, rows: internalBatchSize, total: steps)

        // Σₖ wₖ ∂F/∂x(b + αₖ(x − b)), accumulated in Double; the points and the weighted sum are
        // single passes over the buffers (no broadcast temporaries).
        let size = inputs.scalarCount
        var integral = [Double](repeating: 0, count: size)
        for first in stride(from: 0, to: steps, by: stepsPerBatch) {
            let chunk = first..<min(steps, first + stepsPerBatch)
            var points = Tensor.zeros([chunk.count * count] + inputs.shape.dropFirst())
            points.withUnsafeMutableBufferPointer { points in
                reference.withUnsafeBufferPointer { start in
                    difference.withUnsafeBufferPointer { direction in
                        for (row, step) in chunk.enumerated() {
                            let alpha = alphas[step], offset = row * size
                            for i in 0..<size { points[offset + i] = start[i] + alpha * direction[i] }
                        }
                    }
                }
            }
            let gradient = self.gradient(at: points, columns: columns)
            gradient.withUnsafeBufferPointer { gradient in
                integral.withUnsafeMutableBufferPointer { integral in
                    for (row, step) in chunk.enumerated() {
                        let weight = Double(weights[step]), offset = row * size
                        for i in 0..<size { integral[i] += weight * Double(gradient[offset + i]) }
                    }
                }
            }
        }
        let attributions = difference * Tensor(integral.map { Float($0) }, shape: inputs.shape)

        let totals = attributions.reshaped([count, -1]).sum(axis: 1)
        return IntegratedGradientsResult(
            attributions: attributions, convergenceDelta: totals - outputDifference, outputDifference: outputDifference)
    }

    /// How many copies of an `examples`-row batch (steps, noise samples, occlusions) one forward
    /// pass evaluates: as many as fit `rows` rows when given, else as many as keep a pass under
    /// 2²² input values; at least one, at most `total`.
    static func repeatsPerBatch(examples: Int, values: Int, rows: Int?, total: Int) -> Int {
        let fitting = rows.map { $0 / examples } ?? ((1 << 22) / Swift.max(1, values))
        return Swift.min(total, Swift.max(1, fitting))
    }
}
