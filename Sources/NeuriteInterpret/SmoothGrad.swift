import NeuriteCore

/// The attribution SmoothGrad averages over noisy copies of the input.
public enum SmoothGradBase: String, Sendable, CaseIterable {
    /// `|∂F/∂x|`: Captum's `NoiseTunnel(Saliency(model))` (the default).
    case saliency
    /// The signed gradient `∂F/∂x` (the original SmoothGrad).
    case gradient
    /// `x̃ ⊙ ∂F/∂x(x̃)` at each noisy copy `x̃`.
    case gradientTimesInput
}

/// How SmoothGrad combines the attributions `aₛ` of its noisy samples.
public enum SmoothGradAggregate: String, Sendable, CaseIterable {
    /// `mean(aₛ)`: Captum's `smoothgrad`.
    case mean
    /// `mean(aₛ²)`: Captum's `smoothgrad_sq`.
    case meanOfSquares
    /// `mean(aₛ²) − mean(aₛ)²`: Captum's `vargrad`.
    case variance
}

/// The standard deviation of SmoothGrad's Gaussian noise.
public enum NoiseLevel: Sendable, Equatable {
    /// σ itself (Captum's `stdevs`).
    case absolute(Float)
    /// σ as a fraction of each example's value range, `level · (max x − min x)` (the SmoothGrad
    /// paper's recommendation: 0.1 to 0.2). A constant example uses `level` itself.
    case relative(Float)
}

extension Explainer {
    /// SmoothGrad (Smilkov et al. 2017; Captum's `NoiseTunnel`): the attribution averaged over
    /// `samples` copies of each input with Gaussian noise added, `x̃ = x + 𝒩(0, σ²)`, which removes
    /// much of the pixel-to-pixel noise of raw gradients.
    ///
    /// The noise comes from a Philox generator seeded with `seed`, so results are reproducible.
    /// The target (when `.predicted`) is the prediction for the clean input.
    ///
    /// - Parameters:
    ///   - samples: noisy copies per example (default 25; Captum's default of 5 leaves maps noisy).
    ///   - noise: σ (default 15 % of each example's range; Captum's default is an absolute 1.0,
    ///     which drowns inputs scaled to [0, 1]).
    ///   - base: the attribution averaged (default absolute gradients, as Captum's saliency).
    ///   - aggregate: mean (default), mean of squares or variance.
    ///   - internalBatchSize: the most rows per forward pass (nil: up to 2²² input values).
    /// - Returns: attributions of the inputs' shape `[N, …]`.
    public func smoothGrad(
        _ inputs: Tensor, target: AttributionTarget = .predicted, samples: Int = 25, noise: NoiseLevel = .relative(0.15),
        base: SmoothGradBase = .saliency, aggregate: SmoothGradAggregate = .mean, seed: UInt64 = 0, internalBatchSize: Int? = nil
    ) -> Tensor {
        precondition(samples >= 1, "smoothGrad: \(samples) samples; need at least one")
        let columns = columns(for: target, inputs: inputs, operation: "smoothGrad")
        let inputs = inputs.detached()
        let count = inputs.shape[0], size = inputs.scalarCount, exampleSize = size / count
        let sigmas = Self.noiseDeviations(inputs, noise)
        let perBatch = Self.repeatsPerBatch(examples: count, values: size, rows: internalBatchSize, total: samples)
        var generator = PhiloxGenerator(seed: seed)
        // Σₛ aₛ and Σₛ aₛ², in Double; noisy copies and sums are single passes over the buffers.
        var sum = [Double](repeating: 0, count: size), sumOfSquares = [Double](repeating: 0, count: size)
        for first in stride(from: 0, to: samples, by: perBatch) {
            let copies = min(samples, first + perBatch) - first
            var batch = Tensor.normal([copies * count] + inputs.shape.dropFirst(), generator: &generator)
            batch.withUnsafeMutableBufferPointer { batch in
                inputs.withUnsafeBufferPointer { clean in
                    for copy in 0..<copies {
                        for i in 0..<size { batch[copy * size + i] = clean[i] + sigmas[i / exampleSize] * batch[copy * size + i] }
                    }
                }
            }
            let gradient = self.gradient(at: batch, columns: columns)
            gradient.withUnsafeBufferPointer { gradient in
                batch.withUnsafeBufferPointer { batch in
                    for index in 0..<(copies * size) {
                        let value: Float
                        switch base {
                        case .saliency: value = Swift.abs(gradient[index])
                        case .gradient: value = gradient[index]
                        case .gradientTimesInput: value = batch[index] * gradient[index]
                        }
                        sum[index % size] += Double(value)
                        if aggregate != .mean { sumOfSquares[index % size] += Double(value) * Double(value) }
                    }
                }
            }
        }
        let mean = sum.map { $0 / Double(samples) }
        let result: [Double]
        switch aggregate {
        case .mean: result = mean
        case .meanOfSquares: result = sumOfSquares.map { $0 / Double(samples) }
        case .variance: result = zip(sumOfSquares, mean).map { $0 / Double(samples) - $1 * $1 }
        }
        return Tensor(result.map { Float($0) }, shape: inputs.shape)
    }

    /// σ for each example.
    static func noiseDeviations(_ inputs: Tensor, _ noise: NoiseLevel) -> [Float] {
        let count = inputs.shape[0]
        switch noise {
        case .absolute(let sigma):
            precondition(sigma >= 0, "smoothGrad: negative noise level \(sigma)")
            return Array(repeating: sigma, count: count)
        case .relative(let level):
            precondition(level >= 0, "smoothGrad: negative noise level \(level)")
            let rows = inputs.reshaped([count, -1])
            let ranges = (rows.max(axis: 1) - rows.min(axis: 1)).scalars
            return ranges.map { level * ($0 > 0 ? $0 : 1) }
        }
    }
}
