import Dispatch
import NeuriteCore
import NeuriteKernels
import Synchronization

/// Batches of a dataset, one epoch at a time (PyTorch's `DataLoader`).
///
/// With `shuffle`, each epoch's order is a permutation drawn from stream `epoch` of a generator
/// seeded with `seed`, so epoch e has the same order in every run, whatever happened before it
/// (resuming at epoch 5 gives epoch 5's order). Every sample appears once per epoch; the last
/// batch is smaller unless `dropLast`. While a batch is being used, the next one can be gathered
/// (and transformed) on a background thread: see `Prefetch` for when it is. An
/// `EpochVaryingDataset` is asked for epoch `e`'s version of its samples (augmented texts). With a
/// `shard`, each epoch is this rank's share of that order (`DataShard`, for data-parallel
/// training).
public struct DataLoader: Sendable {
    /// The data set batches are drawn from.
    public let dataset: any Dataset
    /// Samples per batch (the last may be smaller unless `dropLast`).
    public let batchSize: Int
    /// Whether each epoch draws the samples in a fresh order.
    public let shuffle: Bool
    /// Whether a last, smaller batch is left out.
    public let dropLast: Bool
    /// The seed of the order and of the transform's randomness.
    public let seed: UInt64
    /// Applied to each batch on the background thread (augmentation), with a generator for that
    /// batch (stream derived from the epoch and batch index).
    public let transform: (@Sendable (Batch, inout PhiloxGenerator) -> Batch)?
    /// The share of each epoch this process takes in data-parallel training; nil: all of it.
    public let shard: DataShard?
    /// Where the next batch is prepared while one is used.
    public let prefetch: Prefetch
    /// The epoch the next `for … in loader` pass draws.
    private let passes = PassCounter()

    /// A loader of `batchSize` samples at a time; with `shuffle`, epoch e's order is a permutation drawn from `seed` and e, so runs repeat exactly; `transform` (such as `Augmentation.pipeline`) changes each batch with its own generator; with `shard`, each epoch is that rank's share; `prefetch` says where batches are prepared (the batches are the same either way).
    public init(
        _ dataset: any Dataset, batchSize: Int, shuffle: Bool = false, dropLast: Bool = false, seed: UInt64 = 0,
        shard: DataShard? = nil, prefetch: Prefetch = .automatic,
        transform: (@Sendable (Batch, inout PhiloxGenerator) -> Batch)? = nil
    ) {
        precondition(batchSize > 0, "DataLoader: batch size \(batchSize) must be positive")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.seed = seed
        self.transform = transform
        self.shard = shard
        self.prefetch = prefetch
    }

    /// Where a loader prepares the next batch. The batches are the same bits either way.
    public enum Prefetch: Sendable, Equatable {
        /// In the background when that is likely to pay: when there is a `transform` or the data
        /// set varies by epoch (augmentation: real work), or when the kernels leave a processor
        /// free (`Threading.maximumThreads` below the active processor count). Otherwise on the
        /// calling thread when it is asked for: a gather of ready samples takes tens of
        /// microseconds, and a third thread doing it beside kernels that busy every core takes a
        /// core from them in the middle of a product, which costs more (a Fashion-MNIST MLP epoch
        /// on 2 cores: 0.49–0.52 s with the background thread, 0.456–0.462 s without;
        /// BENCHMARKS.md).
        case automatic
        /// Always on a background thread, one batch ahead.
        case background
        /// On the calling thread, when the batch is asked for.
        case onCallingThread
    }

    /// Whether `prefetch` puts the work on a background thread now (`.automatic` decides when a
    /// pass starts, from the transform and the kernels' thread count at that moment).
    public var prefetchesInBackground: Bool {
        switch prefetch {
        case .background: return true
        case .onCallingThread: return false
        case .automatic:
            if transform != nil || dataset is any EpochVaryingDataset { return true }
            return Threading.maximumThreads < Threading.onlineProcessors
        }
    }

    /// The same loader taking `shard`'s share of each epoch.
    public func sharded(_ shard: DataShard) -> DataLoader {
        DataLoader(
            dataset, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, seed: seed, shard: shard, prefetch: prefetch,
            transform: transform)
    }

    /// Samples per epoch: the data set's, or the shard's share of it.
    public var samplesPerEpoch: Int { shard?.size(ofTotal: dataset.count) ?? dataset.count }

    /// Batches per epoch.
    public var batchCount: Int {
        dropLast ? samplesPerEpoch / batchSize : (samplesPerEpoch + batchSize - 1) / batchSize
    }

    /// The sample order of `epoch` (with a shard, its share of the whole order).
    public func order(epoch: Int) -> [Int] {
        var indices = Array(0..<dataset.count)
        if shuffle {
            var generator = PhiloxGenerator(seed: seed, stream: UInt64(epoch))
            indices.shuffle(using: &generator)
        }
        return shard?.share(of: indices) ?? indices
    }

    /// The batches of `epoch` (gathered one ahead in the background where `prefetch` says so).
    public func batches(epoch: Int = 0) -> PrefetchingBatches {
        PrefetchingBatches(loader: self, order: order(epoch: epoch), epoch: epoch)
    }

    /// Batch `index` of an epoch whose order is `order`.
    func makeBatch(_ index: Int, order: [Int], epoch: Int) -> Batch {
        let start = index * batchSize
        let indices = Array(order[start..<Swift.min(start + batchSize, order.count)])
        let batch =
            if let varying = dataset as? any EpochVaryingDataset {
                // Offset from the shuffle and transform streams' seeds.
                varying.batch(at: indices, epoch: epoch, seed: seed ^ 0xA06_0000_0000_0000)
            } else {
                dataset.batch(at: indices)
            }
        guard let transform else { return batch }
        // Stream: epoch in the high half, batch in the low half, offset from the shuffle streams;
        // each rank of a shard draws its own.
        let rankSeed = UInt64(shard?.rank ?? 0) &* 0x9E37_79B9_7F4A_7C15
        var generator = PhiloxGenerator(seed: seed ^ 0x5EED_0000_0000_0000 ^ rankSeed, stream: UInt64(epoch) << 32 | UInt64(index))
        return transform(batch, &generator)
    }
}

/// `for (inputs, targets) in loader`: each pass over the loader itself is the next epoch (0, 1,
/// 2, … — a fresh order each time with `shuffle`, as iterating a PyTorch `DataLoader` again
/// reshuffles), as `(inputs, targets)` pairs. `batches(epoch:)` gives a chosen epoch's `Batch`es;
/// `fit` and a resumable loop use that.
extension DataLoader: Sequence {
    public typealias Element = (inputs: Tensor, targets: Tensor)

    public var underestimatedCount: Int { batchCount }

    public func makeIterator() -> PassIterator { PassIterator(batches: batches(epoch: passes.next()).makeIterator()) }

    /// The batches of one pass, as pairs.
    public struct PassIterator: IteratorProtocol {
        let batches: PrefetchingBatches.Iterator

        public mutating func next() -> (inputs: Tensor, targets: Tensor)? {
            batches.next().map { ($0.inputs, $0.targets) }
        }
    }

    /// Counts the passes over one loader (shared by its copies).
    final class PassCounter: Sendable {
        private let count = Mutex(0)

        func next() -> Int {
            count.withLock { count in
                defer { count += 1 }
                return count
            }
        }
    }
}

/// The batches of one epoch; iterating gathers batch i + 1 in the background while batch i is used
/// when the loader's `prefetch` says so, else batch i when it is asked for.
public struct PrefetchingBatches: Sequence, Sendable {
    let loader: DataLoader
    let order: [Int]
    let epoch: Int

    public var underestimatedCount: Int { loader.batchCount }

    public func makeIterator() -> Iterator { Iterator(batches: self) }

    public final class Iterator: IteratorProtocol {
        private let batches: PrefetchingBatches
        private var nextIndex = 0
        private var pending: Pending?
        private let queue = DispatchQueue(label: "Neurite.DataLoader.prefetch")
        private let inBackground: Bool

        /// A batch being gathered on `queue`.
        private final class Pending: @unchecked Sendable {
            let ready = DispatchSemaphore(value: 0)
            var batch: Batch?
        }

        init(batches: PrefetchingBatches) {
            self.batches = batches
            inBackground = batches.loader.prefetchesInBackground
            pending = inBackground ? start(0) : nil
        }

        private func start(_ index: Int) -> Pending? {
            guard index < batches.loader.batchCount else { return nil }
            let pending = Pending()
            let (loader, order, epoch) = (batches.loader, batches.order, batches.epoch)
            queue.async {
                // Beside the training thread: kernels here stay off the worker pool it uses.
                pending.batch = Parallel.serially { loader.makeBatch(index, order: order, epoch: epoch) }
                pending.ready.signal()
            }
            return pending
        }

        public func next() -> Batch? {
            guard inBackground else {
                guard nextIndex < batches.loader.batchCount else { return nil }
                defer { nextIndex += 1 }
                return batches.loader.makeBatch(nextIndex, order: batches.order, epoch: batches.epoch)
            }
            guard let current = pending else { return nil }
            current.ready.wait()
            nextIndex += 1
            pending = start(nextIndex)
            return current.batch
        }
    }
}
