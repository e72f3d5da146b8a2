import NeuriteCore

/// A batch: inputs `[B, …]` and targets `[B]` (class indices) or `[B, …]`.
public struct Batch: Sendable {
    /// The samples' inputs, sample along axis 0.
    public let inputs: Tensor
    /// The samples' targets, sample along axis 0.
    public let targets: Tensor

    /// A data set of `inputs` and `targets` with one sample per index of axis 0 (PyTorch's `TensorDataset`).
    public init(inputs: Tensor, targets: Tensor) {
        self.inputs = inputs
        self.targets = targets
    }
}

/// A collection of samples that can be gathered into batches.
public protocol Dataset: Sendable {
    /// The number of samples.
    var count: Int { get }
    /// The samples at `indices`, in that order, as one batch.
    func batch(at indices: [Int]) -> Batch
}

/// A dataset whose training samples change from epoch to epoch: each is drawn afresh, from a
/// generator that depends only on the seed, the epoch and the sample's index (so a sample's
/// version does not depend on the batch size, the order or the thread count). `DataLoader` asks
/// for these batches; `batch(at:)` gives the samples unchanged (for evaluation).
///
/// This is where augmentation that must happen before a sample becomes a tensor lives, e.g. text
/// edited before it is encoded (`AugmentedTextDataset`); tensor augmentation is a
/// `DataLoader.transform`.
public protocol EpochVaryingDataset: Dataset {
    /// The samples at `indices` as epoch `epoch` of a loader seeded with `seed` draws them.
    func batch(at indices: [Int], epoch: Int, seed: UInt64) -> Batch
}

/// Samples held in memory as two tensors whose first axis is the sample: inputs `[N, …]` and
/// targets `[N, …]`.
public struct TensorDataset: Dataset {
    /// The batch's inputs `[B, …]`.
    public let inputs: Tensor
    /// The batch's targets `[B, …]`.
    public let targets: Tensor

    /// - Precondition: both tensors have the same length along axis 0.
    public init(inputs: Tensor, targets: Tensor) {
        precondition(
            inputs.rank >= 1 && targets.rank >= 1 && inputs.shape[0] == targets.shape[0],
            "TensorDataset: inputs \(inputs.shape) and targets \(targets.shape) differ in sample count")
        self.inputs = inputs.detached()
        self.targets = targets.detached()
    }

    public var count: Int { inputs.shape[0] }

    public func batch(at indices: [Int]) -> Batch {
        Batch(inputs: inputs.indexSelect(axis: 0, indices: indices), targets: targets.indexSelect(axis: 0, indices: indices))
    }

    /// All samples as one batch.
    public var all: Batch { Batch(inputs: inputs, targets: targets) }

    /// The samples at `indices`, as a new in-memory dataset.
    public func subset(_ indices: [Int]) -> TensorDataset {
        let batch = batch(at: indices)
        return TensorDataset(inputs: batch.inputs, targets: batch.targets)
    }

    /// A seeded random split into two parts, the first with `fraction` of the samples (rounded
    /// down), e.g. training and validation. The same seed gives the same split.
    public func split(fraction: Double, seed: UInt64) -> (TensorDataset, TensorDataset) {
        precondition((0...1).contains(fraction), "split: fraction \(fraction) is not in [0, 1]")
        var generator = PhiloxGenerator(seed: seed)
        let order = Array(0..<count).shuffled(using: &generator)
        let first = Int(Double(count) * fraction)
        return (subset(Array(order[..<first])), subset(Array(order[first...])))
    }

    /// This dataset with its inputs transformed (e.g. normalised).
    public func mapInputs(_ transform: (Tensor) -> Tensor) -> TensorDataset {
        TensorDataset(inputs: withoutGradients { transform(inputs) }, targets: targets)
    }
}
