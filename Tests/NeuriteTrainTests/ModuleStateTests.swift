import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteNN
import NeuriteOptimizers
import NeuriteTrain
import Testing
import _NeuriteTestSupport

/// A layer of a user's own that draws random numbers: Gaussian noise in training.
final class GaussianNoise: Module {
    let noise: RandomStream
    init(seed: UInt64) {
        noise = RandomStream(PhiloxGenerator(seed: seed))
        super.init()
    }
    override func forward(_ input: Tensor) -> Tensor {
        isTraining ? input + Tensor.normal(input.shape, standardDeviation: 0.1, generator: &noise.generator) : input
    }
}

@Suite("Module state in checkpoints")
struct ModuleStateTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("neurite-state-\(UUID().uuidString).safetensors").path
    }

    func makeModel() -> Sequential {
        var generator = PhiloxGenerator(seed: 5)
        return Sequential {
            Dense(3, 4, generator: &generator)
            GaussianNoise(seed: 6)
            Dropout(0.5, generator: PhiloxGenerator(seed: 7))
        }
    }

    @Test func everyRandomStreamIsFoundSavedAndRestoredByName() throws {
        let model = makeModel()
        #expect(model.namedRandomStreams.map(\.name) == ["1.noise", "2.mask_stream"])
        _ = model(Tensor.ones([2, 3]))  // both streams advance
        let optimizer = try SGD(model.parameters, learningRate: 0.1)
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TrainingCheckpoint(model: model, optimizer: optimizer, epoch: 1, globalStep: 1, history: History()).write(to: path)

        let fresh = makeModel()
        try TrainingCheckpoint.read(path).restore(model: fresh, optimizer: try SGD(fresh.parameters, learningRate: 0.1), file: path)
        for ((name, restored), (_, original)) in zip(fresh.namedRandomStreams, model.namedRandomStreams) {
            #expect(restored.generator == original.generator, "\(name)")
            #expect(restored.generator.position > 0, "\(name)")
        }
        // The next draws are the same: the restored model adds the same noise and drops the same units.
        #expect(fresh(Tensor.ones([2, 3])) == model(Tensor.ones([2, 3])))
    }

    @Test func aCheckpointWithoutAStreamTheModelHasIsAClearError() throws {
        let plain = Sequential { Dense(3, 4) }
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TrainingCheckpoint(model: plain, optimizer: try SGD(plain.parameters), epoch: 1, globalStep: 1, history: History()).write(to: path)
        let noisy = Sequential {
            Dense(3, 4)
            GaussianNoise(seed: 1)
        }
        try noisy.loadStateDict(plain.stateDict.reduce(into: [:]) { $0[$1.key] = $1.tensor })
        expectError(containing: "no state saved for the model's random stream '1.noise'") {
            try TrainingCheckpoint.read(path).restore(model: noisy, optimizer: try SGD(noisy.parameters), file: path)
        }
    }

    /// A checkpoint written before streams were found generically (dropout generators keyed by
    /// the layer's name) still restores.
    @Test func checkpointsOfTheFirstFormatStillRestore() throws {
        let path = try #require(Bundle.module.path(forResource: "legacy_checkpoint_v1", ofType: "safetensors"))
        let checkpoint = try TrainingCheckpoint.read(path)
        #expect(checkpoint.epoch == 2 && checkpoint.globalStep == 6 && checkpoint.schedulerStep == 2)
        #expect(checkpoint.history.epochs.map(\.epoch) == [0, 1])
        #expect(
            checkpoint.randomStreams == [
                "3.mask_stream": {
                    var generator = PhiloxGenerator(seed: 8)
                    for _ in 0..<120 { _ = generator.nextWord() }
                    return generator
                }()
            ])
        var generator = PhiloxGenerator(seed: 7)
        let model = Sequential {
            Dense(3, 5, generator: &generator)
            BatchNorm(5)
            ReLU()
            Dropout(0.2)
            Dense(5, 2, generator: &generator)
        }
        let optimizer = try Adam(model.parameters, learningRate: 0.01)
        let scheduler = LearningRateScheduler(optimizer, schedule: StepDecay(stepSize: 1, gamma: 0.5))
        try checkpoint.restore(model: model, optimizer: optimizer, scheduler: scheduler, file: path)
        #expect(optimizer.groups[0].learningRate == 0.0025)
        #expect((model[3] as? Dropout)?.maskStream.generator.position == 120)
        #expect(model.stateDict.first { $0.key == "1.num_batches_tracked" }?.tensor.scalar == 6)
    }
}
