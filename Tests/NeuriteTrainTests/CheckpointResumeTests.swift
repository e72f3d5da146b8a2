import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteData
import NeuriteNN
import NeuriteOptimizers
import NeuriteTrain
import Testing
import _NeuriteTestSupport

/// Stops training at a given batch of a given epoch, like a kill in the middle of an epoch.
final class KillAt: Callback {
    let epoch: Int, batch: Int
    init(epoch: Int, batch: Int) {
        self.epoch = epoch
        self.batch = batch
    }
    func batchEnded(_ context: TrainingContext, metrics: MetricValues) {
        if context.epoch == epoch && context.batch == batch { context.stop(reason: "killed") }
    }
}

@Suite("Training checkpoints")
struct CheckpointResumeTests {
    /// A run's parts, built the same way every time: a per-epoch schedule, a plateau rule and
    /// early stopping that restores the best weights, all of whose state a resume must carry.
    struct Run {
        let model: Sequential
        let optimizer: Adam
        let scheduler: LearningRateScheduler
        let plateau: ReduceOnPlateau
        let stopping: EarlyStopping
        let loader: DataLoader

        init(data: TensorDataset) throws {
            var generator = PhiloxGenerator(seed: 31)
            model = Sequential {
                Flatten()
                Dense(64, 32, generator: &generator)
                BatchNorm(32)
                ReLU()
                Dropout(0.2, generator: PhiloxGenerator(seed: 32))
                Dense(32, 10, generator: &generator)
            }
            optimizer = try Adam(model.parameters, learningRate: 3e-3)
            scheduler = LearningRateScheduler(optimizer, schedule: StepDecay(stepSize: 2, gamma: 0.5))
            plateau = ReduceOnPlateau(optimizer, factor: 0.5, patience: 0, monitor: "accuracy")
            stopping = EarlyStopping(monitor: "loss", patience: 3, restoreBestWeights: true)
            loader = DataLoader(
                data, batchSize: 64, shuffle: true, seed: 33,
                transform: Augmentation.pipeline([.rotation(degrees: 5)]))
        }

        /// Callbacks come before the built-in parts in the list on purpose: fit orders them itself.
        func train(epochs: Int, extra: [any Callback] = [], checkpointPath: String? = nil, resuming: TrainingCheckpoint? = nil) throws -> History {
            try fit(
                model, loss: { crossEntropy(logits: $0, classIndices: $1) }, optimizer: optimizer, data: loader, epochs: epochs,
                scheduler: scheduler, reduceOnPlateau: plateau, earlyStopping: stopping, checkpoint: checkpointPath,
                callbacks: extra, progress: .quiet, resuming: resuming)
        }
    }

    @Test func aRunKilledMidEpochResumesToTheSameBits() throws {
        let data = try Digits.trainTestSplit().train.subset(Array(0..<512))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-checkpoint-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }

        let uninterrupted = try Run(data: data)
        let fullHistory = try uninterrupted.train(epochs: 5)

        let killed = try Run(data: data)
        let partial = try killed.train(epochs: 5, extra: [KillAt(epoch: 3, batch: 3)], checkpointPath: path)
        #expect(partial.stopReason == "killed" && partial.epochs.count == 3)

        let resumed = try Run(data: data)  // a fresh process: new objects
        let checkpoint = try TrainingCheckpoint.read(path)
        #expect(checkpoint.epoch == 3 && checkpoint.history.epochs.count == 3)
        #expect(checkpoint.plateau != nil && checkpoint.earlyStopping?.bestEpoch != nil && checkpoint.earlyStoppingWeights != nil)
        let history = try resumed.train(epochs: 5, checkpointPath: path, resuming: checkpoint)

        #expect(resumed.model.stateDict.map(\.tensor) == uninterrupted.model.stateDict.map(\.tensor))
        #expect(history.epochs.map(\.loss) == fullHistory.epochs.map(\.loss))
        #expect(history.epochs.map(\.learningRate) == fullHistory.epochs.map(\.learningRate))
        #expect(resumed.optimizer.groups[0].learningRate == uninterrupted.optimizer.groups[0].learningRate)
        #expect(resumed.plateau.state == uninterrupted.plateau.state)
        #expect(resumed.stopping.bestEpoch == uninterrupted.stopping.bestEpoch && resumed.stopping.best == uninterrupted.stopping.best)
        // The schedule moved the rate, and the plateau rule did too: both had to survive the resume.
        #expect(Set(fullHistory.epochs.map(\.learningRate)).count >= 3)
    }

    @Test func checkpointsRejectMismatchedModelsAndForeignFiles() throws {
        let data = SyntheticData.xor()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-checkpoint-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = Sequential {
            Dense(2, 4)
            Tanh()
            Dense(4, 2)
        }
        let optimizer = try SGD(model.parameters, learningRate: 0.1, momentum: 0.9)
        try fit(
            model, loss: { crossEntropy(logits: $0, classIndices: $1) }, optimizer: optimizer, data: DataLoader(data, batchSize: 4),
            epochs: 1, checkpoint: path, progress: .quiet)
        let checkpoint = try TrainingCheckpoint.read(path)
        let other = Sequential {
            Dense(2, 5)
            Tanh()
            Dense(5, 2)
        }
        expectError(containing: "Error(s) in loading state_dict") {
            try checkpoint.restore(model: other, optimizer: try SGD(other.parameters), file: path)
        }
        // Resuming with parts the checkpointed run did not have is a mismatch of settings.
        expectError(containing: "\(path): early stopping: the checkpoint was written by a run without one") {
            try checkpoint.restore(model: model, optimizer: optimizer, earlyStopping: EarlyStopping(), file: path)
        }
        expectError(containing: "scheduler: the checkpoint was written by a run without one") {
            try fit(
                model, loss: { crossEntropy(logits: $0, classIndices: $1) }, optimizer: optimizer, data: DataLoader(data, batchSize: 4),
                epochs: 2, scheduler: LearningRateScheduler(optimizer, schedule: ConstantSchedule()), progress: .quiet, resuming: checkpoint)
        }
        let weightsOnly = path + ".weights"
        defer { try? FileManager.default.removeItem(atPath: weightsOnly) }
        try model.saveWeights(to: weightsOnly)
        expectError(containing: "not a Neurite training checkpoint") { _ = try TrainingCheckpoint.read(weightsOnly) }
    }
}

@Suite("README saving and loading")
struct ReadmeSavingTests {
    /// The "Saving and loading" snippet of README.md with a small model and data.
    @Test func savingSnippetRuns() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let model = Sequential {
            Dense(2, 8)
            Tanh()
            Dense(8, 2)
        }
        let optimizer = try Adam(model.parameters, learningRate: 1e-2)
        let loader = DataLoader(SyntheticData.xor(), batchSize: 4)
        let loss = { (logits: Tensor, labels: Tensor) in crossEntropy(logits: logits, classIndices: labels) }

        try model.saveWeights(to: path("weights.safetensors"))
        try model.loadWeights(from: path("weights.safetensors"))
        try ModelFile.save(model, to: path("model.safetensors"))
        let restored = try ModelFile.load(path("model.safetensors"))
        #expect(restored.description == model.description)

        try fit(model, loss: loss, optimizer: optimizer, data: loader, epochs: 2, checkpoint: path("checkpoint.safetensors"), progress: .quiet)
        let checkpoint = try TrainingCheckpoint.read(path("checkpoint.safetensors"))
        let history = try fit(model, loss: loss, optimizer: optimizer, data: loader, epochs: 4, progress: .quiet, resuming: checkpoint)
        #expect(history.epochs.count == 4)
    }
}
