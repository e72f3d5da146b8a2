import NeuriteCore
import NeuriteNN
import NeuriteOptimizers

/// The state of a training run that callbacks see and may change.
public final class TrainingContext {
    /// The model being trained.
    public let model: Module
    /// The optimiser stepping it.
    public let optimizer: Optimizer
    /// The epochs asked for.
    public let epochs: Int
    /// Batches in each epoch.
    public let batchesPerEpoch: Int
    /// The current epoch (0-based) and the batch within it.
    public internal(set) var epoch = 0
    /// The batch within the epoch (from 0).
    public internal(set) var batch = 0
    /// Batches processed since training began.
    public internal(set) var globalStep = 0
    /// The history so far.
    public internal(set) var history = History()
    /// Set by `stop(reason:)`; the loop ends after the current batch or epoch.
    public private(set) var stopReason: String?

    /// A context for a loop of `epochs` epochs of `batchesPerEpoch` batches (for custom loops
    /// that drive callbacks themselves).
    public init(model: Module, optimizer: Optimizer, epochs: Int, batchesPerEpoch: Int) {
        self.model = model
        self.optimizer = optimizer
        self.epochs = epochs
        self.batchesPerEpoch = batchesPerEpoch
    }

    /// Asks the loop to stop, with a reason that `History.stopReason` keeps.
    public func stop(reason: String) {
        if stopReason == nil { stopReason = reason }
    }

    /// Whether `stop(reason:)` has been called.
    public var isStopping: Bool { stopReason != nil }
}
