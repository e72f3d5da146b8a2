import NeuriteCore
import NeuriteNN
import NeuriteOptimizers

/// Hooks into `fit` (Keras's callbacks), for logging, inspecting or changing gradients, and
/// stopping. Every method has an empty default. Scheduling, early stopping and checkpoints are
/// not callbacks: `fit` runs them itself, in a fixed order around the callbacks (see `fit`).
public protocol Callback: AnyObject {
    /// Before the first epoch (or the first epoch left, when resuming).
    func trainingBegan(_ context: TrainingContext)
    /// After `backward()` and before `optimizer.step()`: gradients can be inspected or changed.
    /// `loss` is this batch's.
    func gradientsComputed(_ context: TrainingContext, loss: Float)
    /// After `optimizer.step()` (and a per-batch schedule's step), with the epoch's running
    /// `loss` and, for classification, `accuracy`.
    func batchEnded(_ context: TrainingContext, metrics: MetricValues)
    /// After the epoch's validation, before the schedule, early stopping and the checkpoint.
    func epochEnded(_ context: TrainingContext, log: EpochLog)
    /// After the last epoch, or when training stopped, once early stopping has restored any
    /// weights.
    func trainingEnded(_ context: TrainingContext)
}

extension Callback {
    /// Does nothing.
    public func trainingBegan(_ context: TrainingContext) {}
    /// Does nothing.
    public func gradientsComputed(_ context: TrainingContext, loss: Float) {}
    /// Does nothing.
    public func batchEnded(_ context: TrainingContext, metrics: MetricValues) {}
    /// Does nothing.
    public func epochEnded(_ context: TrainingContext, log: EpochLog) {}
    /// Does nothing.
    public func trainingEnded(_ context: TrainingContext) {}
}
