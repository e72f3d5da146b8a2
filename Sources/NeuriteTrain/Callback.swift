import NeuriteCore
import NeuriteNN
import NeuriteOptimizers

/// The state of a training run that callbacks see and may change.
public final class TrainingContext {
    public let model: Module
    public let optimizer: Optimizer
    public let epochs: Int
    public let batchesPerEpoch: Int
    /// The current epoch (0-based) and the batch within it.
    public internal(set) var epoch = 0
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

    public var isStopping: Bool { stopReason != nil }
}

/// Hooks into `fit` (Keras's callbacks). Every method has an empty default.
public protocol Callback: AnyObject {
    func trainingBegan(_ context: TrainingContext)
    /// After `backward()` and before `optimizer.step()`: gradients can be inspected or changed.
    func gradientsComputed(_ context: TrainingContext, loss: Float)
    /// After `optimizer.step()`.
    func batchEnded(_ context: TrainingContext, loss: Float, runningLoss: Double, runningAccuracy: Double?)
    func epochEnded(_ context: TrainingContext, log: EpochLog)
    func trainingEnded(_ context: TrainingContext)
}

extension Callback {
    public func trainingBegan(_ context: TrainingContext) {}
    public func gradientsComputed(_ context: TrainingContext, loss: Float) {}
    public func batchEnded(_ context: TrainingContext, loss: Float, runningLoss: Double, runningAccuracy: Double?) {}
    public func epochEnded(_ context: TrainingContext, log: EpochLog) {}
    public func trainingEnded(_ context: TrainingContext) {}
}
