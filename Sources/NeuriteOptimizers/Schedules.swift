import NeuriteCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// When a schedule is meant to advance.
public enum ScheduleUnit: Sendable {
    /// Once per epoch (step decay, multi-step, exponential, cosine annealing, plateau).
    case epoch
    /// Once per batch (one-cycle, warm restarts as usually used).
    case batch
}

/// A learning rate as a function of the number of `step()` calls so far, in closed form:
/// `learningRate(at: e, base: η₀)`. Values are computed in `Double`.
///
/// PyTorch computes most of these recursively, multiplying the previous rate; without other
/// changes to the rate the two agree up to rounding. They differ when something else also
/// changes the rate (a second schedule, a manual change): here the base rate is what is scaled.
public protocol LearningRateSchedule: Sendable {
    /// The rate at `step` (counted in the schedule's unit from 0) for a group whose base rate is
    /// `base`.
    func learningRate(at step: Int, base: Double) -> Double
    /// When the schedule is meant to advance.
    var unit: ScheduleUnit { get }
}

/// The base rate, unchanged.
public struct ConstantSchedule: LearningRateSchedule {
    /// The schedule that keeps the base rate.
    public init() {}
    public func learningRate(at step: Int, base: Double) -> Double { base }
    public var unit: ScheduleUnit { .epoch }
}

/// `η₀·γ^⌊e / stepSize⌋` (PyTorch's `StepLR`, γ = 0.1 by default).
public struct StepDecay: LearningRateSchedule {
    /// Every `stepSize` epochs the rate is multiplied by `gamma`.
    public let stepSize: Int, gamma: Double
    /// `base · gamma^⌊step / stepSize⌋` (PyTorch's `StepLR`; `gamma` 0.1 by default).
    public init(stepSize: Int, gamma: Double = 0.1) {
        precondition(stepSize > 0, "StepDecay: step size \(stepSize) must be positive")
        self.stepSize = stepSize
        self.gamma = gamma
    }
    public func learningRate(at step: Int, base: Double) -> Double { base * pow(gamma, Double(step / stepSize)) }
    public var unit: ScheduleUnit { .epoch }
}

/// `η₀·γ^(number of milestones ≤ e)` (PyTorch's `MultiStepLR`): the decay applies at each
/// milestone; a repeated milestone decays again.
public struct MultiStepDecay: LearningRateSchedule {
    /// The rate is multiplied by `gamma` at each of the `milestones` (steps, increasing).
    public let milestones: [Int], gamma: Double
    /// `base · gamma^(milestones passed)` (PyTorch's `MultiStepLR`; `gamma` 0.1 by default).
    public init(milestones: [Int], gamma: Double = 0.1) {
        self.milestones = milestones.sorted()
        self.gamma = gamma
    }
    public func learningRate(at step: Int, base: Double) -> Double {
        base * pow(gamma, Double(milestones.filter { $0 <= step }.count))
    }
    public var unit: ScheduleUnit { .epoch }
}

/// `η₀·γᵉ` (PyTorch's `ExponentialLR`).
public struct ExponentialDecay: LearningRateSchedule {
    /// The factor applied at every step.
    public let gamma: Double
    /// `base · gamma^step` (PyTorch's `ExponentialLR`).
    public init(gamma: Double) { self.gamma = gamma }
    public func learningRate(at step: Int, base: Double) -> Double { base * pow(gamma, Double(step)) }
    public var unit: ScheduleUnit { .epoch }
}

/// `η_min + (η₀ − η_min)·(1 + cos(π·e / T))/2` (PyTorch's `CosineAnnealingLR`). As in PyTorch there
/// is no clamping: past `T` the rate rises again (period 2T). For restarts use
/// `CosineAnnealingWarmRestarts`.
public struct CosineAnnealing: LearningRateSchedule {
    /// The steps of one half cosine, and the rate it ends at (PyTorch's `T_max` and `eta_min`).
    public let period: Int, floor: Double
    /// `floor + (base − floor)·(1 + cos(π·step/period))/2` (PyTorch's `CosineAnnealingLR`).
    public init(period: Int, floor: Double = 0) {
        precondition(period > 0, "CosineAnnealing: period \(period) must be positive")
        self.period = period
        self.floor = floor
    }
    public func learningRate(at step: Int, base: Double) -> Double {
        floor + (base - floor) * (1 + cos(Double.pi * Double(step) / Double(period))) / 2
    }
    public var unit: ScheduleUnit { .epoch }
}

/// Cosine annealing restarted every cycle, the cycles growing by `periodMultiplier`
/// (SGDR; PyTorch's `CosineAnnealingWarmRestarts`): `η_min + (η₀ − η_min)·(1 + cos(π·T_cur/T_i))/2`
/// with `T_0 = firstPeriod`, `T_{i+1} = T_i · periodMultiplier`.
public struct CosineAnnealingWarmRestarts: LearningRateSchedule {
    /// The first cycle's steps, the factor by which each cycle lengthens, and the lowest rate (PyTorch's `T_0`, `T_mult`, `eta_min`).
    public let firstPeriod: Int, periodMultiplier: Int, floor: Double
    /// Cosine cycles that restart at the base rate (PyTorch's `CosineAnnealingWarmRestarts`, SGDR).
    public init(firstPeriod: Int, periodMultiplier: Int = 1, floor: Double = 0) {
        precondition(firstPeriod > 0, "CosineAnnealingWarmRestarts: first period \(firstPeriod) must be positive")
        precondition(periodMultiplier >= 1, "CosineAnnealingWarmRestarts: period multiplier \(periodMultiplier) must be at least 1")
        self.firstPeriod = firstPeriod
        self.periodMultiplier = periodMultiplier
        self.floor = floor
    }
    public func learningRate(at step: Int, base: Double) -> Double {
        var position = step, period = firstPeriod
        while position >= period {
            position -= period
            period *= periodMultiplier
        }
        return floor + (base - floor) * (1 + cos(Double.pi * Double(position) / Double(period))) / 2
    }
    public var unit: ScheduleUnit { .batch }
}

/// A linear warm-up in front of any schedule (PyTorch's `LinearLR` chained by `SequentialLR`):
/// `η₀·(s + (1 − s)·e/n)` for the first `steps` = n steps, starting at `startFactor` = s, then
/// `then` counted from 0.
public struct LinearWarmup: LearningRateSchedule {
    /// The steps of the warm-up, and the factor of the base rate it starts from.
    public let steps: Int, startFactor: Double
    /// The schedule after the warm-up, counted from the warm-up's end.
    public let then: any LearningRateSchedule
    /// A linear rise from `startFactor · base` to the schedule `then` over `steps` steps (PyTorch's `LinearLR` chained before another schedule).
    public init(steps: Int, startFactor: Double = 1.0 / 3, then: any LearningRateSchedule = ConstantSchedule()) {
        precondition(steps > 0, "LinearWarmup: steps \(steps) must be positive")
        precondition((0...1).contains(startFactor), "LinearWarmup: start factor \(startFactor) is not in [0, 1]")
        self.steps = steps
        self.startFactor = startFactor
        self.then = then
    }
    public func learningRate(at step: Int, base: Double) -> Double {
        step < steps
            ? base * (startFactor + (1 - startFactor) * Double(step) / Double(steps))
            : then.learningRate(at: step - steps, base: base)
    }
    public var unit: ScheduleUnit { then.unit }
}

/// The one-cycle policy (PyTorch's `OneCycleLR`), stepped once per batch for `totalSteps`
/// batches: from `maxRate/divFactor` up to `maxRate` over `pctStart` of the steps, then down to
/// `maxRate/divFactor/finalDivFactor` (with `threePhase`, back to the start value first, then
/// down). The base rate is ignored. The momentum is cycled the other way, `maxMomentum →
/// baseMomentum → maxMomentum`. Defaults are PyTorch's.
public struct OneCycle: LearningRateSchedule {
    /// The shape of the rise and fall: cosine (PyTorch's default) or linear.
    public enum Annealing: Sendable {
        /// Half cosines (PyTorch's default).
        case cosine
        /// Straight lines.
        case linear
    }

    /// The peak rate, the steps of the whole cycle, the fraction spent rising (PyTorch's `pct_start`, 0.3), and the shape.
    public let maxRate: Double, totalSteps: Int, pctStart: Double, annealing: Annealing
    /// The start rate is `maxRate / divFactor` (25) and the final one `start / finalDivFactor` (10⁴); `threePhase` adds a symmetric fall before the final annealing.
    public let divFactor: Double, finalDivFactor: Double, threePhase: Bool
    /// The momentum (or Adam's β₁) cycles inversely between these (0.85 and 0.95).
    public let baseMomentum: Double, maxMomentum: Double

    /// One-cycle policy (Smith; PyTorch's `OneCycleLR`): a warm-up to `maxRate` and an annealing far below the start, stepped per batch. The rate it sets ignores the optimiser's own.
    public init(
        maxRate: Double, totalSteps: Int, pctStart: Double = 0.3, annealing: Annealing = .cosine,
        divFactor: Double = 25, finalDivFactor: Double = 1e4, threePhase: Bool = false,
        baseMomentum: Double = 0.85, maxMomentum: Double = 0.95
    ) {
        precondition(totalSteps > 1, "OneCycle: total steps \(totalSteps) must be at least 2")
        precondition(pctStart > 0 && pctStart < 1, "OneCycle: pctStart \(pctStart) is not in (0, 1)")
        self.maxRate = maxRate
        self.totalSteps = totalSteps
        self.pctStart = pctStart
        self.annealing = annealing
        self.divFactor = divFactor
        self.finalDivFactor = finalDivFactor
        self.threePhase = threePhase
        self.baseMomentum = baseMomentum
        self.maxMomentum = maxMomentum
    }

    /// `(end step, start rate, end rate, start momentum, end momentum)` of each phase.
    private var phases: [(end: Double, rates: (Double, Double), momenta: (Double, Double))] {
        let initial = maxRate / divFactor, minimum = initial / finalDivFactor
        let total = Double(totalSteps)
        if threePhase {
            return [
                (pctStart * total - 1, (initial, maxRate), (maxMomentum, baseMomentum)),
                (2 * pctStart * total - 2, (maxRate, initial), (baseMomentum, maxMomentum)),
                (total - 1, (initial, minimum), (maxMomentum, maxMomentum)),
            ]
        }
        return [
            (pctStart * total - 1, (initial, maxRate), (maxMomentum, baseMomentum)),
            (total - 1, (maxRate, minimum), (baseMomentum, maxMomentum)),
        ]
    }

    private func interpolate(_ from: Double, _ to: Double, _ fraction: Double) -> Double {
        switch annealing {
        case .cosine: to + (from - to) / 2 * (cos(Double.pi * fraction) + 1)
        case .linear: (to - from) * fraction + from
        }
    }

    private func value(at step: Int, _ pick: ((Double, Double), (Double, Double)) -> (Double, Double)) -> Double {
        // PyTorch's bound: the rate after the last of `totalSteps` steps (which no update uses) is
        // still defined — extrapolated past the last phase, as PyTorch does — and one more step
        // is an error.
        precondition(step <= totalSteps, "OneCycle: tried to step \(step) times; the specified number of total steps is \(totalSteps)")
        var start = 0.0
        let phases = self.phases
        for (index, phase) in phases.enumerated() {
            if Double(step) <= phase.end || index == phases.count - 1 {
                let (from, to) = pick(phase.rates, phase.momenta)
                return interpolate(from, to, (Double(step) - start) / (phase.end - start))
            }
            start = phase.end
        }
        preconditionFailure("OneCycle: no phase for step \(step)")
    }

    public func learningRate(at step: Int, base: Double) -> Double { value(at: step) { rates, _ in rates } }

    /// The momentum (SGD's momentum or Adam's β₁) at `step`.
    public func momentum(at step: Int) -> Double { value(at: step) { _, momenta in momenta } }

    public var unit: ScheduleUnit { .batch }
}
