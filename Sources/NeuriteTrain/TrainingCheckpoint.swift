import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteNN
import NeuriteOptimizers

/// Everything needed to continue a training run exactly: the model's weights, buffers and random
/// streams, the optimiser's state, the schedule's position, the plateau and early-stopping
/// counters (with early stopping's best weights), the number of finished epochs and steps, and
/// the history. Stored as one safetensors file (tensors under `model.`, `optimizer.<parameter>.`
/// and `early_stopping.`, the rest as JSON in the metadata), written atomically.
///
/// `fit(checkpoint:)` writes one after every epoch and `fit(resuming:)` restores it; a resumed run
/// ends bit for bit where the uninterrupted run would: the loader's order and augmentation depend
/// only on the epoch, and every other source of change is saved.
public struct TrainingCheckpoint: Sendable {
    /// Epochs finished; training resumes at this epoch.
    public var epoch: Int
    /// Batches trained so far.
    public var globalStep: Int
    /// The history up to the checkpoint.
    public var history: History
    /// The learning-rate scheduler's steps, with one.
    public var schedulerStep: Int?
    /// The plateau watcher's state, with one.
    public var plateau: ReduceOnPlateau.State?
    /// Early stopping's state, with it.
    public var earlyStopping: EarlyStopping.State?
    /// Early stopping's best weights so far, when it restores them.
    public var earlyStoppingWeights: [String: Tensor]?
    /// The optimiser's state, under PyTorch's names.
    public var optimizer: OptimizerState
    /// The optimiser's type name (`"Adam"`); nil in checkpoints written before it was recorded.
    public var optimizerType: String?
    /// The model's random streams (`Module.namedRandomStreams`) by name.
    public var randomStreams: [String: PhiloxGenerator]
    /// The model's state dict: parameters and buffers.
    public var weights: [String: Tensor]

    /// The state of a run after `epoch` finished epochs.
    public init(
        model: Module, optimizer: Optimizer, scheduler: LearningRateScheduler? = nil, reduceOnPlateau: ReduceOnPlateau? = nil,
        earlyStopping: EarlyStopping? = nil, epoch: Int, globalStep: Int, history: History
    ) {
        self.epoch = epoch
        self.globalStep = globalStep
        self.history = history
        schedulerStep = scheduler?.state
        plateau = reduceOnPlateau?.state
        self.earlyStopping = earlyStopping?.state
        earlyStoppingWeights = earlyStopping?.bestWeightsSnapshot
        self.optimizer = optimizer.state
        optimizerType = String(describing: type(of: optimizer))
        randomStreams = Dictionary(uniqueKeysWithValues: model.namedRandomStreams.map { ($0.name, $0.stream.generator) })
        weights = Dictionary(uniqueKeysWithValues: model.stateDict.map { ($0.key, $0.tensor) })
    }

    /// Puts the saved state back into a model, optimiser and the rest, built like the originals.
    /// `fit(resuming:)` calls it; a hand-written loop calls it itself.
    /// - Throws: naming the part that does not fit (a scheduler, plateau or early stopping given
    ///   here that the checkpointed run did not have is one).
    public func restore(
        model: Module, optimizer: Optimizer, scheduler: LearningRateScheduler? = nil, reduceOnPlateau: ReduceOnPlateau? = nil,
        earlyStopping: EarlyStopping? = nil, file: String = "checkpoint"
    ) throws(CheckpointError) {
        let streams = model.namedRandomStreams
        if let missing = streams.first(where: { randomStreams[$0.name] == nil }) {
            throw CheckpointError(file: file, location: "random streams", "no state saved for the model's random stream '\(missing.name)'")
        }
        func absent(_ part: String) -> CheckpointError {
            CheckpointError(file: file, location: part, "the checkpoint was written by a run without one; resume with the same settings")
        }
        if scheduler != nil && schedulerStep == nil { throw absent("scheduler") }
        if reduceOnPlateau != nil && plateau == nil { throw absent("reduce on plateau") }
        if earlyStopping != nil && self.earlyStopping == nil { throw absent("early stopping") }
        let resumingWith = String(describing: type(of: optimizer))
        if let optimizerType, optimizerType != resumingWith {
            throw CheckpointError(
                file: file, location: "optimizer",
                "the checkpoint holds \(optimizerType)'s state but the run resumes with \(resumingWith); resume with the same optimiser")
        }
        do {
            try model.loadStateDict(weights)
        } catch {
            throw CheckpointError(file: file, error.description)
        }
        do {
            try optimizer.load(self.optimizer)
            if let scheduler, let schedulerStep { try scheduler.load(schedulerStep) }
            if let reduceOnPlateau, let plateau { try reduceOnPlateau.load(plateau) }
        } catch {
            throw CheckpointError(file: file, location: "optimizer", error.message)
        }
        for (name, stream) in streams { stream.generator = randomStreams[name]! }
        if let earlyStopping, let state = self.earlyStopping { earlyStopping.restore(state, bestWeights: earlyStoppingWeights) }
    }

    private struct Header: Codable {
        var epoch: Int
        var globalStep: Int
        var history: History
        var schedulerStep: Int?
        var plateau: ReduceOnPlateau.State?
        var earlyStopping: EarlyStopping.State?
        var learningRates: [Float]
        var optimizerType: String?
        var optimizerNames: [[String]]
        var randomStreams: [String: PhiloxGenerator]?
        /// Checkpoints written before random streams were found generically keyed dropout
        /// generators by the module's name.
        var generators: [String: PhiloxGenerator]?
    }

    static let metadataKey = "neurite.training_checkpoint"
    static let earlyStoppingPrefix = "early_stopping."

    /// Writes the checkpoint atomically (a crash leaves the previous one intact).
    public func write(to path: String) throws(CheckpointError) {
        var file = SafeTensors()
        for (key, tensor) in weights { file.set("model." + key, tensor) }
        for (key, tensor) in earlyStoppingWeights ?? [:] { file.set(Self.earlyStoppingPrefix + key, tensor) }
        for (index, entries) in optimizer.parameters.enumerated() {
            for (name, values) in entries { file.set("optimizer.\(index).\(name)", Tensor(values.scalars, shape: values.shape)) }
        }
        let header = Header(
            epoch: epoch, globalStep: globalStep, history: history, schedulerStep: schedulerStep, plateau: plateau,
            earlyStopping: earlyStopping, learningRates: optimizer.learningRates, optimizerType: optimizerType,
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
        guard header.epoch >= 0, header.globalStep >= 0 else {
            throw CheckpointError(file: path, location: "__metadata__.\(metadataKey)", "negative epoch \(header.epoch) or step \(header.globalStep)")
        }
        if let bad = header.learningRates.first(where: { !($0 >= 0 && $0.isFinite) }) {
            throw CheckpointError(file: path, location: "__metadata__.\(metadataKey)", "learning rate \(bad) is not a non-negative number")
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
        func tensors(under prefix: String) -> [String: Tensor] {
            var result: [String: Tensor] = [:]
            for (key, tensor) in file.tensors where key.hasPrefix(prefix) { result[String(key.dropFirst(prefix.count))] = tensor }
            return result
        }
        let bestWeights = tensors(under: earlyStoppingPrefix)
        var checkpoint = TrainingCheckpoint(
            epoch: header.epoch, globalStep: header.globalStep, history: header.history, schedulerStep: header.schedulerStep,
            optimizer: OptimizerState(learningRates: header.learningRates, parameters: parameters),
            randomStreams: header.randomStreams ?? streamNames(forModules: header.generators ?? [:]), weights: tensors(under: "model."))
        checkpoint.plateau = header.plateau
        checkpoint.optimizerType = header.optimizerType
        checkpoint.earlyStopping = header.earlyStopping
        checkpoint.earlyStoppingWeights = bestWeights.isEmpty ? nil : bestWeights
        return checkpoint
    }

    private init(
        epoch: Int, globalStep: Int, history: History, schedulerStep: Int?, optimizer: OptimizerState,
        randomStreams: [String: PhiloxGenerator], weights: [String: Tensor]
    ) {
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
