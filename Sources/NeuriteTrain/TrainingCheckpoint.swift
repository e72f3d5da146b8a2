import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteNN
import NeuriteOptimizers

/// Everything needed to continue a training run exactly: the model's weights and buffers, the
/// optimiser's state, the schedule's position, the model's random streams, the number of
/// finished epochs and steps, and the history. Stored as one safetensors file (tensors under
/// `model.` and `optimizer.<parameter>.`, the rest as JSON in the metadata), written atomically.
///
/// A run resumed from a checkpoint ends bit for bit where the uninterrupted run would: the
/// loader's order and augmentation depend only on the epoch, and every other source of change is
/// saved. (Early stopping's counters are not saved; a resumed run starts them afresh.)
public struct TrainingCheckpoint: Sendable {
    /// Epochs finished; training resumes at this epoch.
    public var epoch: Int
    public var globalStep: Int
    public var history: History
    public var schedulerStep: Int?
    public var optimizer: OptimizerState
    /// The model's random streams (`Module.namedRandomStreams`) by name.
    public var randomStreams: [String: PhiloxGenerator]
    public var weights: [String: Tensor]

    /// The state of a run after `epoch` finished epochs.
    public init(model: Module, optimizer: Optimizer, scheduler: LearningRateScheduler? = nil, epoch: Int, globalStep: Int, history: History) {
        self.epoch = epoch
        self.globalStep = globalStep
        self.history = history
        schedulerStep = scheduler?.state
        self.optimizer = optimizer.state
        randomStreams = Dictionary(uniqueKeysWithValues: model.namedRandomStreams.map { ($0.name, $0.stream.generator) })
        weights = Dictionary(uniqueKeysWithValues: model.stateDict.map { ($0.key, $0.tensor) })
    }

    /// Puts the saved state back into a model, optimiser and scheduler built like the originals.
    public func restore(model: Module, optimizer: Optimizer, scheduler: LearningRateScheduler? = nil, file: String = "checkpoint") throws(CheckpointError) {
        do {
            try model.loadStateDict(weights)
        } catch {
            throw CheckpointError(file: file, error.description)
        }
        do {
            try optimizer.load(self.optimizer)
        } catch {
            throw CheckpointError(file: file, location: "optimizer", error.message)
        }
        let streams = model.namedRandomStreams
        for (name, _) in streams where randomStreams[name] == nil {
            throw CheckpointError(file: file, location: "random streams", "no state saved for the model's random stream '\(name)'")
        }
        for (name, stream) in streams { stream.generator = randomStreams[name]! }
        if let scheduler {
            guard let schedulerStep else { throw CheckpointError(file: file, location: "scheduler", "the checkpoint has no schedule position") }
            scheduler.load(schedulerStep)
        }
    }

    private struct Header: Codable {
        var epoch: Int
        var globalStep: Int
        var history: History
        var schedulerStep: Int?
        var learningRates: [Float]
        var optimizerNames: [[String]]
        var randomStreams: [String: PhiloxGenerator]?
        /// Checkpoints written before random streams were found generically keyed dropout
        /// generators by the module's name.
        var generators: [String: PhiloxGenerator]?
    }

    static let metadataKey = "neurite.training_checkpoint"

    /// Writes the checkpoint atomically (a crash leaves the previous one intact).
    public func write(to path: String) throws(CheckpointError) {
        var file = SafeTensors()
        for (key, tensor) in weights { file.set("model." + key, tensor) }
        for (index, entries) in optimizer.parameters.enumerated() {
            for (name, values) in entries { file.set("optimizer.\(index).\(name)", Tensor(values.scalars, shape: values.shape)) }
        }
        let header = Header(epoch: epoch, globalStep: globalStep, history: history, schedulerStep: schedulerStep,
                            learningRates: optimizer.learningRates,
                            optimizerNames: optimizer.parameters.map { $0.keys.sorted() }, randomStreams: randomStreams)
        guard let json = try? JSONEncoder().encode(header) else { throw CheckpointError(file: path, "cannot encode the checkpoint header") }
        file.metadata = [Self.metadataKey: String(decoding: json, as: UTF8.self)]
        try file.write(to: path)
    }

    /// Reads a checkpoint written by `write(to:)`.
    public static func read(_ path: String) throws(CheckpointError) -> TrainingCheckpoint {
        let file = try SafeTensors.read(path)
        guard let json = file.metadata[metadataKey] else {
            throw CheckpointError(file: path, location: "__metadata__", "not a Neurite training checkpoint (no \(metadataKey))")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(json.utf8))
        } catch {
            throw CheckpointError(file: path, location: "__metadata__.\(metadataKey)", "malformed checkpoint header: \(error)")
        }
        var parameters: [[String: OptimizerState.Values]] = []
        for (index, names) in header.optimizerNames.enumerated() {
            var entries: [String: OptimizerState.Values] = [:]
            for name in names {
                guard let tensor = file.tensors["optimizer.\(index).\(name)"] else {
                    throw CheckpointError(file: path, location: "optimizer.\(index).\(name)", "missing optimizer tensor")
                }
                entries[name] = OptimizerState.Values(tensor)
            }
            parameters.append(entries)
        }
        var weights: [String: Tensor] = [:]
        for (key, tensor) in file.tensors where key.hasPrefix("model.") { weights[String(key.dropFirst(6))] = tensor }
        return TrainingCheckpoint(epoch: header.epoch, globalStep: header.globalStep, history: header.history,
                                  schedulerStep: header.schedulerStep,
                                  optimizer: OptimizerState(learningRates: header.learningRates, parameters: parameters),
                                  randomStreams: header.randomStreams ?? Self.streamNames(forModules: header.generators ?? [:]),
                                  weights: weights)
    }

    private init(epoch: Int, globalStep: Int, history: History, schedulerStep: Int?, optimizer: OptimizerState,
                 randomStreams: [String: PhiloxGenerator], weights: [String: Tensor]) {
        self.epoch = epoch
        self.globalStep = globalStep
        self.history = history
        self.schedulerStep = schedulerStep
        self.optimizer = optimizer
        self.randomStreams = randomStreams
        self.weights = weights
    }

    /// Older checkpoints' dropout generators, keyed by module, under the stream's name.
    private static func streamNames(forModules generators: [String: PhiloxGenerator]) -> [String: PhiloxGenerator] {
        Dictionary(uniqueKeysWithValues: generators.map { ($0.key.isEmpty ? "mask_stream" : "\($0.key).mask_stream", $0.value) })
    }
}

/// Writes a `TrainingCheckpoint` to `path` after every epoch. Put it after the scheduling
/// callbacks, so that the saved schedule position includes the epoch's step.
public final class CheckpointCallback: Callback {
    public let path: String
    public let scheduler: LearningRateScheduler?
    /// The last write error, if any (training goes on).
    public private(set) var lastError: CheckpointError?

    public init(path: String, scheduler: LearningRateScheduler? = nil) {
        self.path = path
        self.scheduler = scheduler
    }

    public func epochEnded(_ context: TrainingContext, log: EpochLog) {
        var history = context.history
        history.epochs.append(log)
        let checkpoint = TrainingCheckpoint(model: context.model, optimizer: context.optimizer, scheduler: scheduler,
                                            epoch: log.epoch + 1, globalStep: context.globalStep, history: history)
        do {
            try checkpoint.write(to: path)
        } catch {
            lastError = error
        }
    }
}
