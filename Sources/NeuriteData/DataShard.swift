/// One process's share of every epoch in data-parallel training (PyTorch's `DistributedSampler`
/// with `drop_last=False`).
///
/// Every rank draws the same permutation of the whole data set (the loader's seed and the epoch),
/// pads it to a multiple of `count` by repeating its start, and takes the positions `rank`,
/// `rank + count`, `rank + 2·count`, …: each rank gets `⌈N / count⌉` samples, the shares are
/// disjoint except for the padding (at most `count − 1` samples are seen twice per epoch), and all
/// ranks run the same number of batches. Ranks' batches of size B together hold the samples that
/// one process's batch of size `count·B` holds at the same step, so the averaged gradients equal
/// that batch's.
public struct DataShard: Sendable, Hashable, CustomStringConvertible {
    /// This process's rank, in `0..<count`.
    public let rank: Int
    /// The number of ranks sharing the data.
    public let count: Int

    /// The share of rank `rank` among `count`.
    public init(rank: Int, count: Int) {
        precondition(count >= 1 && (0..<count).contains(rank), "DataShard: rank \(rank) is not in 0..<\(count)")
        self.rank = rank
        self.count = count
    }

    /// Samples per epoch of each rank for a data set of `total`: `⌈total / count⌉` (0 when empty).
    public func size(ofTotal total: Int) -> Int { (total + count - 1) / count }

    /// This rank's positions of `order` (the whole epoch's order), padded as described.
    public func share<Element>(of order: [Element]) -> [Element] {
        guard !order.isEmpty else { return [] }
        return (0..<size(ofTotal: order.count)).map { order[($0 * count + rank) % order.count] }
    }

    public var description: String { "rank \(rank) of \(count)" }
}
