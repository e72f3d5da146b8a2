/// Some samples of another data set, by index, without copying them (PyTorch's `Subset`): sample
/// `i` is the base's sample `indices[i]`. `TensorDataset.subset(_:)` copies instead, which suits
/// small sets; a view keeps a 90 % training split of a large set from doubling its memory.
public struct DatasetSubset: Dataset {
    /// The data set the samples come from.
    public let base: any Dataset
    /// The base's indices of the samples, in order.
    public let indices: [Int]

    /// A view of `base`'s samples at `indices` (each in `0..<base.count`).
    public init(_ base: any Dataset, indices: [Int]) {
        precondition(
            indices.allSatisfy { (0..<base.count).contains($0) }, "DatasetSubset: an index is outside the base's \(base.count) samples")
        self.base = base
        self.indices = indices
    }

    public var count: Int { indices.count }

    public func batch(at positions: [Int]) -> Batch { base.batch(at: positions.map { indices[$0] }) }
}
