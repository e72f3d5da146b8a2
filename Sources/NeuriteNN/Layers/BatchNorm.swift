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
public final class BatchNorm: Module, DescribableLayer {
    /// `{"features": 64, "epsilon": 1e-5, "momentum": 0.1, "affine": true}`; `momentum` null is
    /// the cumulative average, and left out it is 0.1.
    public struct Configuration: LayerConfiguration {
        /// Channels (PyTorch's `num_features`): axis 1 of the input.
        public var features: Int
        /// Added to the variance before the square root (1e-5).
        public var epsilon: Float
        /// The running statistics' update factor (0.1); nil for a cumulative average.
        public var momentum: Float?
        /// Whether the layer has a learned scale and shift (true).
        public var affine: Bool

        /// A configuration; the defaults are PyTorch's.
        public init(features: Int, epsilon: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true) {
            self.features = features
            self.epsilon = epsilon
            self.momentum = momentum
            self.affine = affine
        }

        public func validate() throws(LayerConfigurationError) {
            try LayerConfigurationError.require(features > 0, "feature count must be positive, got \(features)")
            try LayerConfigurationError.requireAllocatable([features], for: "running statistics")
            try LayerConfigurationError.require(epsilon >= 0 && epsilon.isFinite, "epsilon \(epsilon) must be a non-negative number")
            try LayerConfigurationError.require(momentum.map { (0...1).contains($0) } ?? true, "momentum \(momentum!) is not in [0, 1]")
        }

        private enum CodingKeys: String, CodingKey { case features, epsilon, momentum, affine }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            features = try container.decode(Int.self, forKey: .features)
            epsilon = try container.decode(.epsilon, default: 1e-5)
            momentum = container.contains(.momentum) ? try container.decodeIfPresent(Float.self, forKey: .momentum) : 0.1
            affine = try container.decode(.affine, default: true)
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(features, forKey: .features)
            try container.encode(epsilon, forKey: .epsilon)
            try container.encode(momentum, forKey: .momentum)  // null stays null: the cumulative average
            try container.encode(affine, forKey: .affine)
        }
    }

    public let configuration: Configuration
    /// The learned scale γ per channel (1 at first), unless made without.
    public let weight: Parameter?
    /// The learned shift β per channel (0 at first), unless made without.
    public let bias: Parameter?
    /// The running mean per channel, used in evaluation (`running_mean`).
    public let runningMean: Buffer
    /// Where training-mode statistics are summed over the processes of a data-parallel job (PyTorch's
    /// `SyncBatchNorm`): nil (the default) normalises with this process's batch alone.
    /// `DataParallel.synchronizeBatchNorm(in:)` sets it on every batch norm of a model. A setting of
    /// the run, not saved in model files.
    public var synchronization: (any StatisticsSynchronizer)?
    /// The running unbiased variance per channel, used in evaluation (`running_var`).
    public let runningVar: Buffer
    /// How many training batches have updated the running statistics.
    public let numBatchesTracked: Buffer
    /// Channels.
    public var features: Int { configuration.features }
    /// Added to the variance before the square root.
    public var epsilon: Float { configuration.epsilon }
    /// The running statistics' update factor; nil for a cumulative average.
    public var momentum: Float? { configuration.momentum }

    /// Batch normalisation over `features` channels with PyTorch's defaults (`nn.BatchNorm1d/2d`).
    public init(_ features: Int, epsilon: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true) {
        configuration = Configuration(features: features, epsilon: epsilon, momentum: momentum, affine: affine).validated(for: "BatchNorm")
        weight = affine ? Parameter(Tensor.ones([features])) : nil
        bias = affine ? Parameter(Tensor.zeros([features])) : nil
        runningMean = Buffer(Tensor.zeros([features]))
        runningVar = Buffer(Tensor.ones([features]))
        numBatchesTracked = Buffer(Tensor(0), storedAs: .int64)
        super.init()
    }

    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(configuration.features, epsilon: configuration.epsilon, momentum: configuration.momentum, affine: configuration.affine)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        precondition(
            input.rank >= 2 && input.shape[1] == features,
            "\(layerDescription): expected input [N, \(features), …], got \(input.shape)")
        // Running statistics shaped [1, C, 1, …] to broadcast over the batch and positions.
        let channelShape = [1, features] + Array(repeating: 1, count: input.rank - 2)
        let normalized: Tensor
        if isTraining {
            let count = input.scalarCount / features
            precondition(count > 1, "\(layerDescription): expected more than 1 value per channel when training, got input of shape \(input.shape)")
            let batch = batchNormalizedForTraining(
                input, weight: weight?.value, bias: bias?.value, epsilon: epsilon, synchronization: synchronization)
            withoutGradients {
                numBatchesTracked.value += 1
                let factor = momentum ?? 1 / numBatchesTracked.value.scalar
                // Over the values the statistics came from: every process's, when synchronised.
                let unbiased = Tensor(batch.variance) * (Float(batch.count) / Float(batch.count - 1))
                runningMean.value = runningMean.value * (1 - factor) + Tensor(batch.mean) * factor
                runningVar.value = runningVar.value * (1 - factor) + unbiased * factor
            }
            return batch.output
        } else {
            normalized = (input - runningMean.value.reshaped(channelShape)) / sqrt(runningVar.value.reshaped(channelShape) + epsilon)
        }
        guard let weight, let bias else { return normalized }
        return normalized * weight.value.reshaped(channelShape) + bias.value.reshaped(channelShape)
    }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        try LayerShapeError.require(
            shape.count >= 2 && shape[1] == features, "\(layerDescription) takes inputs [N, \(features), …], got \(shape)")
        return shape
    }

    public override var layerDescription: String {
        "BatchNorm(\(features)\(epsilon != 1e-5 ? ", epsilon: \(epsilon)" : "")\(momentum != 0.1 ? ", momentum: \(momentum.map { "\($0)" } ?? "nil")" : "")\(weight == nil ? ", affine: false" : ""))"
    }
}
