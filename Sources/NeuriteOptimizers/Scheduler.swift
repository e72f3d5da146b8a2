import NeuriteCore
import NeuriteNN

/// Drives an optimiser's learning rates by a schedule: each group's rate is
/// `schedule.learningRate(at: step, base: group.baseLearningRate)`. Like PyTorch's schedulers it
/// sets the rates for step 0 when created. `unit` says whether a step is a batch or an epoch (the
/// schedule's own unit unless given): `fit(scheduler:)` steps it after every optimiser step or at
/// every epoch's end accordingly; a hand-written loop calls `step()` itself, after
/// `optimizer.step()`. A one-cycle schedule also sets the optimiser's momentum.
public final class LearningRateScheduler {
    /// The optimiser whose learning rates the scheduler sets.
    public let optimizer: Optimizer
    /// The schedule: the factor of each group's base rate at each step.
    public let schedule: any LearningRateSchedule
    /// When `fit` steps the schedule: once per batch or once per epoch.
    public let unit: ScheduleUnit
    /// How many times `step()` has been called (PyTorch's `last_epoch`).
    public private(set) var stepCount = 0

    /// A scheduler that steps `optimizer` along `schedule`, once per `unit` (the schedule's own unit when nil: per batch for `OneCycle`, per epoch for the rest). The rates are set for step 0 at once.
    public init(_ optimizer: Optimizer, schedule: any LearningRateSchedule, unit: ScheduleUnit? = nil) {
        self.optimizer = optimizer
        self.schedule = schedule
        self.unit = unit ?? schedule.unit
        apply()
    }

    /// Advances the schedule by one step and sets the new rates.
    public func step() {
        stepCount += 1
        apply()
    }

    /// The rates now in effect, one per group.
    public var learningRates: [Float] { optimizer.groups.map(\.learningRate) }

    /// The saved position (a checkpoint holds it with the optimiser's state).
    public var state: Int { stepCount }

    /// Restores a saved position and sets the rates it implies.
    public func load(_ stepCount: Int) throws(OptimizerStateError) {
        guard stepCount >= 0 else { throw OptimizerStateError(message: "schedule position \(stepCount) is negative") }
        self.stepCount = stepCount
        apply()
    }

    private func apply() {
        for index in optimizer.groups.indices {
            let base = Double(optimizer.groups[index].baseLearningRate)
            optimizer.groups[index].learningRate = Float(schedule.learningRate(at: stepCount, base: base))
        }
        if let cycle = schedule as? OneCycle, optimizer.cycledMomentum != nil {
            optimizer.cycledMomentum = Float(cycle.momentum(at: stepCount))
        }
    }
}

/// Reduces the learning rate when a monitored metric stops improving (PyTorch's
/// `ReduceLROnPlateau`), stepped once per epoch with the metric.
///
/// A value improves on the best so far when, for `mode == .min`, it is below
/// `best·(1 − threshold)` (relative threshold) or `best − threshold` (absolute); `.max` mirrors
/// it. After more than `patience` epochs without improvement, every group's rate is multiplied by
/// `factor` (not below `minimumRate`; changes smaller than `epsilon` are skipped) and `cooldown`
/// epochs pass before bad epochs count again. Defaults are PyTorch's; `monitor` names the metric
/// `fit(reduceOnPlateau:)` steps it with (`val_loss` by default, as Keras's `ReduceLROnPlateau`).
public final class ReduceOnPlateau {
    /// Whether a smaller (`min`, losses) or a larger (`max`, accuracies) metric is better.
    public enum Mode: String, Codable, Sendable {
        /// Smaller is better (losses).
        case min
        /// Larger is better (accuracies).
        case max
    }
    /// Whether `threshold` is a fraction of the best value (`relative`, PyTorch's `rel`) or an amount (`absolute`).
    public enum ThresholdMode: String, Codable, Sendable {
        /// Better by more than `threshold · |best|` (PyTorch's `rel`).
        case relative
        /// Better by more than `threshold` (PyTorch's `abs`).
        case absolute
    }

    /// What is saved and restored.
    public struct State: Codable, Equatable, Sendable {
        /// The best metric so far.
        public var best: Double
        /// Epochs since the last improvement.
        public var badEpochs: Int
        /// Epochs left in the cooldown after a reduction.
        public var cooldownLeft: Int
        /// Each group's learning rate.
        public var learningRates: [Float]
    }

    /// The optimiser whose learning rates are reduced.
    public let optimizer: Optimizer
    /// PyTorch's settings: the direction, the factor of a reduction (0.1), the epochs without improvement that trigger one (10), and what counts as an improvement (1e-4, relative).
    public let mode: Mode, factor: Float, patience: Int, threshold: Double, thresholdMode: ThresholdMode
    /// Epochs to wait after a reduction (0), the lowest rate (0), and the smallest change worth making (1e-8).
    public let cooldown: Int, minimumRate: Float, epsilon: Float
    /// The metric of the epoch log it watches (`val_loss` by default).
    public let monitor: String
    /// The best metric so far.
    public private(set) var best: Double
    /// Epochs since the last improvement.
    public private(set) var badEpochs = 0
    /// Epochs left in the cooldown.
    public private(set) var cooldownLeft = 0

    /// A plateau watcher with PyTorch's `ReduceLROnPlateau` defaults, fed by `fit` with `monitor` after each epoch (or by `step(metric:)`).
    public init(
        _ optimizer: Optimizer, mode: Mode = .min, factor: Float = 0.1, patience: Int = 10, threshold: Double = 1e-4,
        thresholdMode: ThresholdMode = .relative, cooldown: Int = 0, minimumRate: Float = 0, epsilon: Float = 1e-8,
        monitor: String = "val_loss"
    ) {
        precondition(factor < 1 && factor >= 0, "ReduceOnPlateau: factor \(factor) must be in [0, 1)")
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minimumRate = minimumRate
        self.epsilon = epsilon
        self.monitor = monitor
        best = mode == .min ? .infinity : -.infinity
    }

    /// Per epoch: it watches an epoch's metric.
    public var unit: ScheduleUnit { .epoch }

    /// Records one epoch's metric and lowers the rates if it has plateaued.
    public func step(metric: Double) {
        if improves(metric) {
            best = metric
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownLeft > 0 {
            cooldownLeft -= 1
            badEpochs = 0
        }
        if badEpochs > patience {
            for index in optimizer.groups.indices {
                let old = optimizer.groups[index].learningRate
                let new = Swift.max(old * factor, minimumRate)
                if old - new > epsilon { optimizer.groups[index].learningRate = new }
            }
            cooldownLeft = cooldown
            badEpochs = 0
        }
    }

    private func improves(_ metric: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .relative): metric < best * (1 - threshold)
        case (.min, .absolute): metric < best - threshold
        case (.max, .relative): metric > best * (1 + threshold)
        case (.max, .absolute): metric > best + threshold
        }
    }

    /// What a checkpoint saves to continue exactly.
    public var state: State {
        State(best: best, badEpochs: badEpochs, cooldownLeft: cooldownLeft, learningRates: optimizer.groups.map(\.learningRate))
    }

    /// Continues from a saved state.
    public func load(_ state: State) throws(OptimizerStateError) {
        guard state.learningRates.count == optimizer.groups.count, state.badEpochs >= 0, state.cooldownLeft >= 0 else {
            throw OptimizerStateError(
                message:
                    "plateau state for \(state.learningRates.count) parameter groups (bad epochs \(state.badEpochs), cooldown \(state.cooldownLeft)) does not fit an optimizer with \(optimizer.groups.count)"
            )
        }
        best = state.best
        badEpochs = state.badEpochs
        cooldownLeft = state.cooldownLeft
        for index in optimizer.groups.indices { optimizer.groups[index].learningRate = state.learningRates[index] }
    }
}
