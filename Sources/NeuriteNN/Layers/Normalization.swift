import NeuriteCore

/// Batch normalisation per channel of `[N, C]`, `[N, C, L]` or `[N, C, H, W]` inputs (any rank
/// from 2: PyTorch's `nn.BatchNorm1d`, `nn.BatchNorm2d` and `nn.BatchNorm3d` in one layer):
/// `y = (x − mean) / √(var + eps) · weight + bias`, with the statistics of each channel `c` taken
/// over every axis but axis 1 (the batch and the positions).
///
/// Training mode normalises with the batch's mean and biased variance and updates the running
/// statistics: `running = (1 − momentum)·running + momentum·batch`, with the *unbiased* batch
/// variance (over the `N·L` or `N·H·W` values of a channel) for `runningVar`; `momentum: nil`
/// gives the cumulative average (factor `1/numBatchesTracked`). Evaluation mode uses the running
/// statistics. Defaults are PyTorch's: `eps = 1e-5`, `momentum = 0.1` (Keras's 0.99 means 0.01
/// here), weight 1, bias 0, running mean 0 and variance 1. State-dict keys are PyTorch's
/// (`weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`, the last stored as int64).
public final class BatchNorm: Module {
    public let weight: Parameter?
    public let bias: Parameter?
    public let runningMean: Buffer
    public let runningVar: Buffer
    /// How many training batches have updated the running statistics.
    public let numBatchesTracked: Buffer
    public let features: Int
    public let epsilon: Float
    public let momentum: Float?

    public init(_ features: Int, epsilon: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true) {
        precondition(features > 0, "BatchNorm: feature count must be positive, got \(features)")
        self.features = features
        self.epsilon = epsilon
        self.momentum = momentum
        weight = affine ? Parameter(Tensor.ones([features])) : nil
        bias = affine ? Parameter(Tensor.zeros([features])) : nil
        runningMean = Buffer(Tensor.zeros([features]))
        runningVar = Buffer(Tensor.ones([features]))
        numBatchesTracked = Buffer(Tensor(0), storedAs: .int64)
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        precondition(input.rank >= 2 && input.shape[1] == features,
                     "\(layerDescription): expected input [N, \(features), …], got \(input.shape)")
        // Statistics over the batch and every position; shaped [1, C, 1, …] to broadcast.
        let axes = [0] + Array(2..<input.rank)
        let channelShape = [1, features] + Array(repeating: 1, count: input.rank - 2)
        let normalized: Tensor
        if isTraining {
            let count = input.scalarCount / features
            precondition(count > 1, "\(layerDescription): expected more than 1 value per channel when training, got input of shape \(input.shape)")
            let mean = input.mean(axes: axes, keepDims: true)
            let variance = input.variance(axes: axes, correction: 0, keepDims: true)
            normalized = (input - mean) / sqrt(variance + epsilon)
            withoutGradients {
                numBatchesTracked.value += 1
                let factor = momentum ?? 1 / numBatchesTracked.value.scalar
                let unbiased = variance.reshaped([features]) * (Float(count) / Float(count - 1))
                runningMean.value = runningMean.value * (1 - factor) + mean.reshaped([features]) * factor
                runningVar.value = runningVar.value * (1 - factor) + unbiased * factor
            }
        } else {
            normalized = (input - runningMean.value.reshaped(channelShape)) / sqrt(runningVar.value.reshaped(channelShape) + epsilon)
        }
        guard let weight, let bias else { return normalized }
        return normalized * weight.value.reshaped(channelShape) + bias.value.reshaped(channelShape)
    }

    public override var layerDescription: String {
        "BatchNorm(\(features)\(epsilon != 1e-5 ? ", epsilon: \(epsilon)" : "")\(momentum != 0.1 ? ", momentum: \(momentum.map { "\($0)" } ?? "nil")" : "")\(weight == nil ? ", affine: false" : ""))"
    }
}

/// Layer normalisation over the trailing `normalizedShape` axes of each sample (PyTorch's
/// `nn.LayerNorm`): `y = (x − mean) / √(var + eps) · weight + bias` with the biased variance, the
/// same in training and evaluation. Default `eps = 1e-5`, weight 1, bias 0.
public final class LayerNorm: Module {
    public let weight: Parameter?
    public let bias: Parameter?
    public let normalizedShape: [Int]
    public let epsilon: Float

    public init(_ normalizedShape: [Int], epsilon: Float = 1e-5, elementwiseAffine: Bool = true) {
        precondition(!normalizedShape.isEmpty && normalizedShape.allSatisfy { $0 > 0 }, "LayerNorm: invalid shape \(normalizedShape)")
        self.normalizedShape = normalizedShape
        self.epsilon = epsilon
        weight = elementwiseAffine ? Parameter(Tensor.ones(normalizedShape)) : nil
        bias = elementwiseAffine ? Parameter(Tensor.zeros(normalizedShape)) : nil
        super.init()
    }

    public convenience init(_ features: Int, epsilon: Float = 1e-5, elementwiseAffine: Bool = true) {
        self.init([features], epsilon: epsilon, elementwiseAffine: elementwiseAffine)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        precondition(input.shape.suffix(normalizedShape.count) == normalizedShape[...],
                     "\(layerDescription): input of shape \(input.shape) does not end in \(normalizedShape)")
        let axes = Array((input.rank - normalizedShape.count)..<input.rank)
        let mean = input.mean(axes: axes, keepDims: true)
        let variance = input.variance(axes: axes, correction: 0, keepDims: true)
        let normalized = (input - mean) / sqrt(variance + epsilon)
        guard let weight, let bias else { return normalized }
        return normalized * weight.value + bias.value
    }

    public override var layerDescription: String {
        "LayerNorm(\(normalizedShape)\(epsilon != 1e-5 ? ", epsilon: \(epsilon)" : ""))"
    }
}
