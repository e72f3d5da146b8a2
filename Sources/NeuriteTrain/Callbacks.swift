import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteNN
import NeuriteOptimizers

/// Stops training when a monitored metric stops improving, with Keras 3's semantics: an
/// improvement is `current < best − |minDelta|` (`.min`) or `current > best + |minDelta|` (`.max`);
/// an equal value is not one. After `patience` epochs without improvement (counted from
/// `startFromEpoch`; never at epoch 0) training stops. With `restoreBestWeights`, the weights of the
/// best epoch (parameters and buffers such as running statistics) are put back when training ends, whether or not it stopped early (Keras 3; Keras 2
/// restored only when it stopped). With a `baseline`, the wait resets only on improvements that
/// also beat the baseline.
public final class EarlyStopping: Callback {
    public enum Mode: Sendable { case min, max, auto }

    public let monitor: String, minDelta: Double, patience: Int, mode: Mode
    public let baseline: Double?, restoreBestWeights: Bool, startFromEpoch: Int
    public private(set) var best: Double?
    public private(set) var bestEpoch: Int?
    public private(set) var stoppedEpoch: Int?
    /// Messages for the user (Keras prints them with verbose > 0), in order.
    public private(set) var messages: [String] = []
    private var wait = 0
    private var bestWeights: [String: Tensor]?

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

    /// `.min` for losses, `.max` for accuracies, as Keras's `auto`.
    var resolvedMode: Mode {
        if mode != .auto { return mode }
        return monitor.hasSuffix("loss") ? .min : .max
    }

    public func trainingBegan(_ context: TrainingContext) {
        best = nil; bestEpoch = nil; stoppedEpoch = nil; wait = 0; bestWeights = nil; messages = []
    }

    public func epochEnded(_ context: TrainingContext, log: EpochLog) {
        guard let current = log[monitor] else {
            messages.append("Early stopping conditioned on metric `\(monitor)` which is not available. Available metrics are: \(log.availableMetrics.joined(separator: ","))")
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

/// Steps a learning-rate scheduler once per batch or once per epoch (the schedule's own unit by
/// default).
public final class LearningRateSchedulingCallback: Callback {
    public let scheduler: LearningRateScheduler
    public let unit: ScheduleUnit

    public init(_ scheduler: LearningRateScheduler, unit: ScheduleUnit? = nil) {
        self.scheduler = scheduler
        self.unit = unit ?? scheduler.schedule.unit
    }

    public func batchEnded(_ context: TrainingContext, loss: Float, runningLoss: Double, runningAccuracy: Double?) {
        if unit == .batch { scheduler.step() }
    }

    public func epochEnded(_ context: TrainingContext, log: EpochLog) {
        if unit == .epoch { scheduler.step() }
    }
}

/// Steps `ReduceOnPlateau` with a monitored metric at the end of each epoch.
public final class ReduceOnPlateauCallback: Callback {
    public let plateau: ReduceOnPlateau
    public let monitor: String

    public init(_ plateau: ReduceOnPlateau, monitor: String = "val_loss") {
        self.plateau = plateau
        self.monitor = monitor
    }

    public func epochEnded(_ context: TrainingContext, log: EpochLog) {
        if let value = log[monitor] { plateau.step(metric: value) }
    }
}

/// Stops training, with a message naming the epoch and step, as soon as the loss or a gradient
/// is NaN or infinite, before the bad update is applied.
public final class DivergenceGuard: Callback {
    public init() {}

    public func gradientsComputed(_ context: TrainingContext, loss: Float) {
        let place = "epoch \(context.epoch + 1), step \(context.batch + 1) (global step \(context.globalStep + 1))"
        if !loss.isFinite {
            context.stop(reason: "training diverged at \(place): the loss is \(loss)")
            return
        }
        for (name, parameter) in context.model.namedParameters {
            guard let gradient = parameter.gradient else { continue }
            if gradient.scalars.contains(where: { !$0.isFinite }) {
                context.stop(reason: "training diverged at \(place): the gradient of \(name) is not finite")
                return
            }
        }
    }
}

/// Writes the history as CSV after every epoch, atomically (a temporary file renamed over the
/// old one), so the file is always complete.
public final class CSVLogger: Callback {
    public let path: String
    /// The last write error, if any (training goes on).
    public private(set) var lastError: Error?

    public init(path: String) { self.path = path }

    public func epochEnded(_ context: TrainingContext, log: EpochLog) {
        var history = context.history
        history.epochs.append(log)
        do {
            try Data(history.csv.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            lastError = error
        }
    }
}
