import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteNN

/// Stops training when a monitored metric stops improving, with Keras 3's semantics: an
/// improvement is `current < best − |minDelta|` (`.min`) or `current > best + |minDelta|` (`.max`);
/// an equal value is not one. After `patience` epochs without improvement (counted from
/// `startFromEpoch`; never at epoch 0) training stops. With `restoreBestWeights`, the weights of the
/// best epoch (parameters and buffers such as running statistics) are put back when training ends, whether or not it stopped early (Keras 3; Keras 2
/// restored only when it stopped). With a `baseline`, the wait resets only on improvements that
/// also beat the baseline.
///
/// Pass it to `fit(earlyStopping:)`, which consults it after each epoch's schedule step and
/// before the checkpoint, and saves its state (best value, wait, best weights) in checkpoints so a
/// resumed run stops where the uninterrupted one would. A hand-written loop calls the three
/// methods itself.
public final class EarlyStopping {
    /// Whether a smaller or a larger value is better; `auto` decides from the metric's name.
    public enum Mode: Sendable {
        /// Smaller is better (losses, errors).
        case min
        /// Larger is better (accuracies).
        case max
        /// From the metric's name: larger is better for names with `acc`, `auc`, `precision`, `recall` or `f1`.
        case auto
    }

    /// The metric watched (`val_loss`), the least change that counts as better (0), the epochs to wait (0), and the direction.
    public let monitor: String, minDelta: Double, patience: Int, mode: Mode
    /// A value the metric must beat before anything counts (none), whether the best epoch's weights come back at the end, and the first epoch watched.
    public let baseline: Double?, restoreBestWeights: Bool, startFromEpoch: Int
    /// The best value seen.
    public private(set) var best: Double?
    /// The epoch (from 0) of the best value.
    public private(set) var bestEpoch: Int?
    /// The epoch (from 0) training stopped after, if it stopped.
    public private(set) var stoppedEpoch: Int?
    /// Messages for the user (Keras prints them with verbose > 0), in order.
    public private(set) var messages: [String] = []
    private var wait = 0
    private var bestWeights: [String: Tensor]?

    /// What a checkpoint saves to continue a run: everything but the best weights, which it
    /// stores as tensors.
    public struct State: Codable, Equatable, Sendable {
        /// The best value seen.
        public var best: Double?
        /// The epoch of the best value.
        public var bestEpoch: Int?
        /// The epoch training stopped after.
        public var stoppedEpoch: Int?
        /// Epochs since the last improvement.
        public var wait: Int
    }

    /// The counters now.
    public var state: State { State(best: best, bestEpoch: bestEpoch, stoppedEpoch: stoppedEpoch, wait: wait) }

    /// The weights of the best epoch so far, when restoring them was asked for.
    public var bestWeightsSnapshot: [String: Tensor]? { bestWeights }

    /// Continues from a saved state and best weights.
    public func restore(_ state: State, bestWeights: [String: Tensor]?) {
        best = state.best
        bestEpoch = state.bestEpoch
        stoppedEpoch = state.stoppedEpoch
        wait = state.wait
        self.bestWeights = restoreBestWeights ? bestWeights : nil
    }

    /// Keras 3's `EarlyStopping` with its defaults: stops once `monitor` has not improved by more than `minDelta` for `patience` epochs; with `restoreBestWeights`, the best epoch's weights are put back when training ends.
    public init(
        monitor: String = "val_loss", minDelta: Double = 0, patience: Int = 0, mode: Mode = .auto,
        baseline: Double? = nil, restoreBestWeights: Bool = false, startFromEpoch: Int = 0
    ) {
        self.monitor = monitor
        self.minDelta = abs(minDelta)
        self.patience = patience
        self.mode = mode
        self.baseline = baseline
        self.restoreBestWeights = restoreBestWeights
        self.startFromEpoch = startFromEpoch
    }

    /// `.max` for scores that grow as a model improves (names with `acc`, `auc`, `precision`,
    /// `recall` or `f1`), `.min` for the rest — losses and errors such as `mae` — as Keras's
    /// `auto` decides from a metric's direction.
    var resolvedMode: Mode {
        if mode != .auto { return mode }
        let name = monitor.lowercased()
        return ["acc", "auc", "precision", "recall", "f1"].contains { name.contains($0) } ? .max : .min
    }

    /// Starts afresh.
    public func trainingBegan(_ context: TrainingContext) {
        best = nil
        bestEpoch = nil
        stoppedEpoch = nil
        wait = 0
        bestWeights = nil
        messages = []
    }

    /// Records an epoch and asks `context` to stop when patience has run out.
    public func epochEnded(_ context: TrainingContext, log: EpochLog) {
        guard let current = log[monitor] else {
            messages.append(
                "Early stopping conditioned on metric `\(monitor)` which is not available. Available metrics are: \(log.availableMetrics.joined(separator: ","))"
            )
            return
        }
        guard log.epoch >= startFromEpoch else { return }
        if restoreBestWeights && bestWeights == nil { bestWeights = snapshot(context.model) }
        wait += 1
        if improves(current, on: best) {
            best = current
            bestEpoch = log.epoch
            if restoreBestWeights { bestWeights = snapshot(context.model) }
            if baseline == nil || improves(current, on: baseline) { wait = 0 }
            return
        }
        if wait >= patience && log.epoch > 0 {
            stoppedEpoch = log.epoch
            context.stop(reason: "Epoch \(log.epoch + 1): early stopping")
        }
    }

    /// Puts the best weights back, if asked for.
    public func trainingEnded(_ context: TrainingContext) {
        if let stoppedEpoch { messages.append("Epoch \(stoppedEpoch + 1): early stopping") }
        if restoreBestWeights, let bestWeights, let bestEpoch {
            messages.append("Restoring model weights from the end of the best epoch: \(bestEpoch + 1).")
            // The snapshot is this model's own state dict, so it always fits.
            try! context.model.loadStateDict(bestWeights)
        }
    }

    private func improves(_ value: Double, on reference: Double?) -> Bool {
        guard let reference else { return true }
        return resolvedMode == .min ? value + minDelta < reference : value - minDelta > reference
    }

    /// The parameters and buffers by name (BatchNorm's running statistics are part of the
    /// weights, as in Keras). Copies share storage until the optimiser writes, so a snapshot costs
    /// nothing up front.
    private func snapshot(_ model: Module) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: model.stateDict.map { ($0.key, $0.tensor) })
    }
}
