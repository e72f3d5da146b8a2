import NeuriteCore
import NeuriteNN
import NeuriteOptimizers
import Testing
import _NeuriteTestSupport

/// The rates in effect after 0, 1, 2, … steps, for a base rate of 1 (golden part4's convention).
func rates(_ schedule: any LearningRateSchedule, count: Int) -> [Float] {
    (0..<count).map { Float(schedule.learningRate(at: $0, base: 1)) }
}

@Suite("Learning-rate schedules")
struct ScheduleTests {
    @Test func closedFormsMatchPyTorch() {
        expectClose(Tensor(rates(StepDecay(stepSize: 3), count: 13)), [1, 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001, 0.001, 0.0001])
        expectClose(Tensor(rates(MultiStepDecay(milestones: [2, 5]), count: 8)), [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01])
        expectClose(Tensor(rates(ExponentialDecay(gamma: 0.9), count: 6)), [1, 0.9, 0.81, 0.729, 0.6561, 0.59049])
        expectClose(
            Tensor(rates(CosineAnnealing(period: 5, floor: 0.1), count: 13)),
            [
                1, 0.9140576475, 0.6890576475, 0.4109423525, 0.1859423525, 0.1, 0.1859423525, 0.4109423525, 0.6890576475, 0.9140576475, 1,
                0.9140576475, 0.6890576475,
            ])
        expectClose(
            Tensor(rates(CosineAnnealingWarmRestarts(firstPeriod: 3, periodMultiplier: 2, floor: 0.1), count: 13)),
            [1, 0.775, 0.325, 1, 0.9397114317, 0.775, 0.55, 0.325, 0.1602885683, 1, 0.9846666218, 0.9397114317, 0.8681980515])
        expectClose(
            Tensor(rates(CosineAnnealingWarmRestarts(firstPeriod: 4), count: 9)),
            [1, 0.8535533906, 0.5, 0.1464466094, 1, 0.8535533906, 0.5, 0.1464466094, 1], absoluteTolerance: 1e-6)
        expectClose(Tensor(rates(LinearWarmup(steps: 4, startFactor: 0.1), count: 9)), [0.1, 0.325, 0.55, 0.775, 1, 1, 1, 1, 1])
        expectClose(Tensor(rates(LinearWarmup(steps: 5), count: 7)), [0.3333333333, 0.4666666667, 0.6, 0.7333333333, 0.8666666667, 1, 1])
        expectClose(
            Tensor(rates(LinearWarmup(steps: 3, startFactor: 0.25, then: CosineAnnealing(period: 6)), count: 11)),
            [0.25, 0.5, 0.75, 1, 0.9330127019, 0.75, 0.5, 0.25, 0.0669872981, 0, 0.0669872981], absoluteTolerance: 1e-6)
    }

    @Test func oneCycleMatchesPyTorch() {
        let cycle = OneCycle(maxRate: 1, totalSteps: 10)
        expectClose(
            Tensor(rates(cycle, count: 10)), [0.04, 0.52, 1, 0.950484632, 0.8117456539, 0.6112620219, 0.3887419781, 0.1882583461, 0.049519368, 4e-06])
        expectClose(
            Tensor((0..<10).map { Float(cycle.momentum(at: $0)) }),
            [0.95, 0.9, 0.85, 0.8549515566, 0.8688255099, 0.8888739533, 0.9111260467, 0.9311744901, 0.9450484434, 0.95])
        expectClose(
            Tensor(rates(OneCycle(maxRate: 1, totalSteps: 10, threePhase: true), count: 10)),
            [0.04, 0.52, 1, 0.52, 0.04, 0.0361807219, 0.0261817219, 0.0138222781, 0.0038232781, 4e-06])
        expectClose(
            Tensor(rates(OneCycle(maxRate: 1, totalSteps: 10, annealing: .linear), count: 10)),
            [0.04, 0.52, 1, 0.8571434286, 0.7142868571, 0.5714302857, 0.4285737143, 0.2857171429, 0.1428605714, 4e-06], absoluteTolerance: 1e-6)
    }

    /// A scheduler stepped after each of the `totalSteps` optimiser steps (as `fit` does) reaches
    /// step `totalSteps`, which PyTorch allows; the step after that is an error, as in PyTorch.
    @Test func steppingOneCyclePastItsEndIsAPrecondition() async throws {
        let optimizer = try SGD([Parameter(Tensor([1]))], learningRate: 1)
        let scheduler = LearningRateScheduler(optimizer, schedule: OneCycle(maxRate: 1, totalSteps: 10))
        for _ in 0..<10 { scheduler.step() }
        #expect(scheduler.stepCount == 10 && scheduler.learningRates[0].isFinite)
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = OneCycle(maxRate: 1, totalSteps: 10).learningRate(at: 11, base: 1)
        }.map { result in
            #expect(
                String(decoding: result.standardErrorContent, as: UTF8.self).contains(
                    "tried to step 11 times; the specified number of total steps is 10"))
        }
    }

    @Test func schedulerSetsGroupRatesAndMomentum() throws {
        let a = Parameter(Tensor([1])), b = Parameter(Tensor([1]))
        let optimizer = try SGD([ParameterGroup([a], learningRate: 0.1), ParameterGroup([b], learningRate: 1)], momentum: 0.9)
        let scheduler = LearningRateScheduler(optimizer, schedule: StepDecay(stepSize: 2, gamma: 0.5))
        #expect(scheduler.learningRates == [0.1, 1])
        scheduler.step()
        scheduler.step()
        #expect(scheduler.learningRates == [0.05, 0.5])
        let restored = LearningRateScheduler(optimizer, schedule: StepDecay(stepSize: 2, gamma: 0.5))
        try restored.load(scheduler.state)
        #expect(restored.learningRates == [0.05, 0.5])
        let cycled = LearningRateScheduler(optimizer, schedule: OneCycle(maxRate: 1, totalSteps: 10))
        cycled.step()
        #expect(optimizer.settings.momentum == 0.9 && scheduler.stepCount == 2)
        #expect(abs(optimizer.groups[0].learningRate - 0.52) < 1e-6)
    }

    @Test func reduceOnPlateauFollowsPyTorch() throws {
        let parameter = Parameter(Tensor([1]))
        let optimizer = try SGD([parameter], learningRate: 1)
        let plateau = ReduceOnPlateau(optimizer, factor: 0.5, patience: 2, cooldown: 1, minimumRate: 0.2)
        // Improving, then flat: the rate halves after the third bad epoch, the cooldown absorbs
        // one more, then the floor holds.
        var history: [Float] = []
        for metric in [5.0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4] {
            plateau.step(metric: metric)
            history.append(optimizer.groups[0].learningRate)
        }
        #expect(history == [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25])
        let saved = plateau.state
        let other = ReduceOnPlateau(optimizer, factor: 0.5, patience: 2, cooldown: 1, minimumRate: 0.2)
        try other.load(saved)
        #expect(other.state == saved)
        let maximizing = ReduceOnPlateau(optimizer, mode: .max, patience: 0)
        maximizing.step(metric: 0.5)
        maximizing.step(metric: 0.6)
        #expect(maximizing.badEpochs == 0 && maximizing.best == 0.6)
    }
}

@Suite("README training loop")
struct ReadmeTrainingTests {
    /// The "Training by hand" snippet of README.md on a small model and data.
    @Test func trainingSnippetRuns() throws {
        var generator = PhiloxGenerator(seed: 12)
        let model = Sequential {
            Dense(4, 8, generator: &generator)
            ReLU()
            Dense(8, 3, generator: &generator)
        }
        let data = fixture([6, 4], seed: 2)
        let batches = [(data[0..<3], Tensor([0, 1, 2])), (data[3..<6], Tensor([2, 1, 0]))]
        let optimizer = try AdamW(model.parameters, learningRate: 1e-3)
        let scheduler = LearningRateScheduler(
            optimizer,
            schedule: LinearWarmup(steps: 100, startFactor: 0.1, then: CosineAnnealing(period: 900)))
        let before = model.parameters.map(\.value)
        for (images, labels) in batches {
            optimizer.zeroGradients()
            let loss = crossEntropy(logits: model(images), classIndices: labels)
            loss.backward()
            clipGradientNorm(model.parameters, maxNorm: 1)
            optimizer.step()
            scheduler.step()
        }
        #expect(zip(before, model.parameters.map(\.value)).allSatisfy { $0 != $1 })
        #expect(abs(optimizer.groups[0].learningRate - 1e-3 * (0.1 + 0.9 * 2 / 100)) < 1e-9)
    }
}
