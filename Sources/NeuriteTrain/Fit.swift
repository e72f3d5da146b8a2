import Foundation
import NeuriteCore
import NeuriteData
import NeuriteNN
import NeuriteOptimizers

/// Trains `model` for `epochs` passes over `data` and returns the history (Keras's `fit`).
///
/// Each batch: `optimizer.zeroGradients()`, forward in training mode, `loss(outputs, targets)`,
/// `backward()`, the callbacks' `gradientsComputed` (clipping and the divergence guard go there),
/// `optimizer.step()`, then `batchEnded` (per-batch schedules). After each epoch the model is
/// evaluated on `validation` (in evaluation mode, without gradients) and `epochEnded` runs (early
/// stopping, per-epoch schedules, logging). A `DivergenceGuard` is always installed.
///
/// To resume, restore the model, optimiser and scheduler from a `TrainingCheckpoint` and pass it
/// as `resuming`: training continues at the checkpoint's epoch and the returned history includes
/// the earlier epochs.
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
@discardableResult
public func fit(
    _ model: Module,
    loss: (_ outputs: Tensor, _ targets: Tensor) -> Tensor,
    optimizer: Optimizer,
    data: DataLoader,
    epochs: Int,
    validation: TensorDataset? = nil,
    task: PredictionTask = .classification,
    callbacks: [any Callback] = [],
    progress: ProgressStyle = .automatic,
    resuming checkpoint: TrainingCheckpoint? = nil
) -> History {
    precondition(epochs >= 0, "fit: epochs \(epochs) must not be negative")
    let startEpoch = checkpoint?.epoch ?? 0
    let context = TrainingContext(model: model, optimizer: optimizer, epochs: epochs, batchesPerEpoch: data.batchCount)
    if let checkpoint {
        context.globalStep = checkpoint.globalStep
        context.history = checkpoint.history
    }
    let allCallbacks: [any Callback] = [DivergenceGuard()] + callbacks + (progress == .quiet ? [] : [ProgressPrinter(style: progress)])
    for callback in allCallbacks { callback.trainingBegan(context) }
    epochLoop: for epoch in startEpoch..<max(startEpoch, epochs) {
        context.epoch = epoch
        let started = Date()
        model.train()
        var lossSum = 0.0, correct = 0.0, seen = 0
        for (index, batch) in data.batches(epoch: epoch).enumerated() {
            context.batch = index
            optimizer.zeroGradients()
            let outputs = model(batch.inputs)
            let value = loss(outputs, batch.targets)
            value.backward()
            let scalar = value.scalar
            for callback in allCallbacks { callback.gradientsComputed(context, loss: scalar) }
            if context.isStopping { break epochLoop }
            optimizer.step()
            let size = batch.inputs.shape[0]
            lossSum += Double(scalar) * Double(size)
            seen += size
            if task == .classification {
                correct += Metrics.accuracy(logits: outputs.detached(), labels: batch.targets) * Double(size)
            }
            context.globalStep += 1
            let accuracy = task == .classification ? correct / Double(seen) : nil
            for callback in allCallbacks { callback.batchEnded(context, loss: scalar, runningLoss: lossSum / Double(seen), runningAccuracy: accuracy) }
            if context.isStopping { break epochLoop }
        }
        var validationLoss: Double?, validationAccuracy: Double?
        if let validation {
            let result = evaluate(model, on: validation, loss: loss, task: task)
            validationLoss = result.loss
            validationAccuracy = result.accuracy
        }
        let log = EpochLog(
            epoch: epoch, loss: seen > 0 ? lossSum / Double(seen) : .nan,
            accuracy: task == .classification && seen > 0 ? correct / Double(seen) : nil,
            validationLoss: validationLoss, validationAccuracy: validationAccuracy,
            learningRate: optimizer.groups.first?.learningRate ?? .nan, seconds: Date().timeIntervalSince(started))
        for callback in allCallbacks { callback.epochEnded(context, log: log) }
        context.history.epochs.append(log)
        if context.isStopping { break }
    }
    for callback in allCallbacks { callback.trainingEnded(context) }
    context.history.stopReason = context.stopReason
    model.eval()
    return context.history
}
