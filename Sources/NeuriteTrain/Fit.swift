import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteData
import NeuriteNN
import NeuriteOptimizers

/// Trains `model` for `epochs` passes over `data` and returns the history (Keras's `fit`).
///
/// Each batch: `optimizer.zeroGradients()`, forward in training mode, `loss(outputs, targets)`,
/// `backward()`, the callbacks' `gradientsComputed` (the divergence guard first, then clipping or
/// your own), `optimizer.step()`, a per-batch `scheduler` step, then the callbacks' `batchEnded`.
/// After each epoch, in this order: the model is evaluated on `validation` (in evaluation mode,
/// without gradients); the callbacks' `epochEnded` see the epoch's log; a per-epoch `scheduler`
/// steps and `reduceOnPlateau` reads its metric; `earlyStopping` decides whether to stop; and the
/// `checkpoint` is written. Because `fit` owns that order, no arrangement of callbacks can make a
/// resumed run differ from an uninterrupted one.
///
/// Metrics: accuracy for classification, the mean absolute error (`mae`) for regression, and
/// the same on `validation` (`val_accuracy`, `val_mae`) beside the losses. Without `task`, it is
/// inferred from the first batch's shapes (`PredictionTask.inferred`: `[B, C]` outputs with `[B]`
/// targets are classification, equal shapes regression; anything else stops with a message that
/// says how to pass `task:`).
///
/// To resume, pass the `TrainingCheckpoint` as `resuming` with the same model, optimiser and
/// settings: `fit` restores all of them, training continues at the checkpoint's epoch, and the
/// returned history includes the earlier epochs.
///
/// Data-parallel training: with a `communicator` (`MPICommunicator`, `LocalCommunicator`), each
/// rank trains on its `DataShard` of every epoch (the loader is sharded for it), rank 0's
/// parameters and buffers are copied to all ranks first (after any resume, which every rank
/// reads), gradients and the loss are averaged over the ranks after each backward pass
/// (`DataParallel`), batch norm's buffers come from rank 0 before each forward pass, and the
/// epoch's metrics are totals over all ranks, so every rank sees the same history and makes the
/// same decisions. Rank 0 alone prints progress and writes the checkpoint; `callbacks` run on
/// every rank (give loggers to rank 0 only). After each epoch the ranks check that they hold
/// the same parameters. With batch B per rank and N ranks the result is that of one process
/// with batch N·B, up to rounding.
///
/// The manual loop this replaces, for full control:
/// ```swift
/// for epoch in 0..<epochs {
///     model.train()
///     for batch in loader.batches(epoch: epoch) {
///         optimizer.zeroGradients()
///         let loss = crossEntropy(logits: model(batch.inputs), classIndices: batch.targets)
///         loss.backward()
///         optimizer.step()
///     }
///     scheduler.step()
/// }
/// ```
/// - Throws: a `CheckpointError` when `resuming` does not fit the model or settings, or the
///   checkpoint cannot be written (the previous checkpoint is left intact).
@discardableResult
public func fit(
    _ model: Module,
    loss: (_ outputs: Tensor, _ targets: Tensor) -> Tensor,
    optimizer: Optimizer,
    data: DataLoader,
    epochs: Int,
    validation: (any Dataset)? = nil,
    task: PredictionTask? = nil,
    scheduler: LearningRateScheduler? = nil,
    reduceOnPlateau: ReduceOnPlateau? = nil,
    earlyStopping: EarlyStopping? = nil,
    checkpoint checkpointPath: String? = nil,
    callbacks: [any Callback] = [],
    progress requestedProgress: ProgressStyle = .automatic,
    resuming checkpoint: TrainingCheckpoint? = nil,
    communicator: (any Communicator)? = nil
) throws(CheckpointError) -> History {
    precondition(epochs >= 0, "fit: epochs \(epochs) must not be negative")
    let parallel = communicator.map(DataParallel.init)
    let data =
        communicator.map { communicator in
            let shard = DataShard(rank: communicator.rank, count: communicator.size)
            precondition(
                data.shard == nil || data.shard == shard, "fit: the loader's shard (\(data.shard!)) is not the communicator's \(shard)")
            return data.sharded(shard)
        } ?? data
    // Rank 0 alone prints and writes the checkpoint.
    let isLeader = (communicator?.rank ?? 0) == 0
    let progress = isLeader ? requestedProgress : .quiet
    let hasBuffers = !model.namedBuffers.isEmpty
    let trainable = communicator == nil ? [] : model.namedParameters.filter { $0.parameter.isTrainable }
    let context = TrainingContext(model: model, optimizer: optimizer, epochs: epochs, batchesPerEpoch: data.batchCount)
    let divergenceGuard = DivergenceGuard()
    let allCallbacks: [any Callback] = [divergenceGuard] + callbacks + (progress == .quiet ? [] : [ProgressPrinter(style: progress)])
    earlyStopping?.trainingBegan(context)
    if let checkpoint {
        try checkpoint.restore(
            model: model, optimizer: optimizer, scheduler: scheduler, reduceOnPlateau: reduceOnPlateau,
            earlyStopping: earlyStopping, file: checkpointPath ?? "checkpoint")
        context.globalStep = checkpoint.globalStep
        context.history = checkpoint.history
    }
    let startEpoch = checkpoint?.epoch ?? 0
    // Early stopping's messages (when it stopped, which epoch it restored) are printed as they
    // come, with the progress, as Keras prints them at verbose > 0.
    var printedMessages = 0
    func printEarlyStoppingMessages() {
        guard progress != .quiet, let earlyStopping else { return }
        for message in earlyStopping.messages.dropFirst(printedMessages) { print(message) }
        printedMessages = earlyStopping.messages.count
    }
    parallel?.broadcastState(of: model)
    for callback in allCallbacks { callback.trainingBegan(context) }
    epochLoop: for epoch in startEpoch..<max(startEpoch, epochs) {
        context.epoch = epoch
        let started = Date()
        model.train()
        var lossSum = 0.0, correct = 0.0, absoluteError = 0.0, seen = 0
        var task = task
        for (index, batch) in data.batches(epoch: epoch).enumerated() {
            context.batch = index
            optimizer.zeroGradients()
            if hasBuffers { parallel?.broadcastBuffers(of: model) }
            let outputs = model(batch.inputs)
            let value = loss(outputs, batch.targets)
            value.backward()
            // Across ranks: the mean gradient and loss, so every rank steps and stops alike.
            let scalar = parallel?.averageGradients(of: trainable, loss: value.scalar) ?? value.scalar
            for callback in allCallbacks { callback.gradientsComputed(context, loss: scalar) }
            if context.isStopping { break epochLoop }
            optimizer.step()
            if let scheduler, scheduler.unit == .batch { scheduler.step() }
            let size = batch.inputs.shape[0]
            lossSum += Double(scalar) * Double(size)
            seen += size
            var running: MetricValues = ["loss": lossSum / Double(seen)]
            let batchTask = task ?? PredictionTask.inferred(outputs: outputs.shape, targets: batch.targets.shape, in: "fit")
            task = batchTask
            switch batchTask {
            case .classification:
                correct += Metrics.accuracy(logits: outputs.detached(), labels: batch.targets) * Double(size)
                running["accuracy"] = correct / Double(seen)
            case .regression:
                absoluteError += Metrics.meanAbsoluteError(outputs.detached(), batch.targets) * Double(size)
                running["mae"] = absoluteError / Double(seen)
            }
            context.globalStep += 1
            for callback in allCallbacks { callback.batchEnded(context, metrics: running) }
            if context.isStopping { break epochLoop }
        }
        if let communicator {
            // Batch norm's running statistics as rank 0 has them, for validation and the checkpoint.
            if hasBuffers { parallel!.broadcastBuffers(of: model) }
            // The epoch's totals over all ranks' shares, the same on every rank.
            let totals = communicator.sum([lossSum, correct, absoluteError, Double(seen)])
            (lossSum, correct, absoluteError, seen) = (totals[0], totals[1], totals[2], Int(totals[3]))
            let differing = parallel!.ranksDifferingFromRankZero(in: model)
            precondition(differing.isEmpty, "fit: after epoch \(epoch + 1) the parameters of ranks \(differing) differ from rank 0's")
        }
        var metrics: MetricValues = ["loss": seen > 0 ? lossSum / Double(seen) : .nan]
        if seen > 0 {
            metrics[task == .regression ? "mae" : "accuracy"] = (task == .regression ? absoluteError : correct) / Double(seen)
        }
        if let validation {
            let result = evaluate(model, on: validation, loss: loss, task: task)
            metrics["val_loss"] = result.loss
            metrics["val_accuracy"] = result.accuracy
            metrics["val_mae"] = result.meanAbsoluteError
        }
        let log = EpochLog(
            epoch: epoch, metrics: metrics, learningRate: optimizer.groups.first?.learningRate ?? .nan,
            seconds: Date().timeIntervalSince(started))
        for callback in allCallbacks { callback.epochEnded(context, log: log) }
        if let scheduler, scheduler.unit == .epoch { scheduler.step() }
        if let reduceOnPlateau, let value = log[reduceOnPlateau.monitor] { reduceOnPlateau.step(metric: value) }
        earlyStopping?.epochEnded(context, log: log)
        printEarlyStoppingMessages()
        context.history.epochs.append(log)
        if let checkpointPath, isLeader {
            try TrainingCheckpoint(
                model: model, optimizer: optimizer, scheduler: scheduler, reduceOnPlateau: reduceOnPlateau,
                earlyStopping: earlyStopping, epoch: epoch + 1, globalStep: context.globalStep, history: context.history
            )
            .write(to: checkpointPath)
        }
        if context.isStopping { break }
    }
    earlyStopping?.trainingEnded(context)
    printEarlyStoppingMessages()
    for callback in allCallbacks { callback.trainingEnded(context) }
    context.history.stopReason = context.stopReason
    context.history.divergence = divergenceGuard.divergence
    model.eval()
    return context.history
}
