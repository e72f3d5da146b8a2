import Foundation
import NeuriteCore
import NeuriteData
import NeuriteNN
import NeuriteOptimizers

/// What the model predicts: class logits (accuracy is reported) or values (regression).
public enum Task: Sendable {
    /// Outputs `[B, C]` logits; targets are class indices `[B]`.
    case classification
    /// Outputs and targets of one shape.
    case regression
}

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
    task: Task = .classification,
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

/// The result of `evaluate`.
public struct Evaluation: Sendable {
    public let loss: Double
    /// Classification only.
    public let accuracy: Double?
    /// `confusion[actual][predicted]`, classification only.
    public let confusion: [[Int]]?
    /// Per-class precision, recall and F1, classification only.
    public let classScores: [Metrics.ClassScores]?
    /// Regression only.
    public let meanAbsoluteError: Double?
    /// Regression only.
    public let meanSquaredError: Double?
}

/// Runs `model` over `dataset` in evaluation mode without gradients, in batches, and reports the
/// mean loss and the metrics of the task. The model's mode is restored.
public func evaluate(
    _ model: Module, on dataset: TensorDataset, loss: (Tensor, Tensor) -> Tensor, task: Task = .classification,
    batchSize: Int = 512
) -> Evaluation {
    let wasTraining = model.isTraining
    model.eval()
    defer { model.train(wasTraining) }
    var outputs: [Tensor] = []
    var lossSum = 0.0
    withoutGradients {
        for batch in DataLoader(dataset, batchSize: batchSize).batches() {
            let output = model(batch.inputs)
            lossSum += Double(loss(output, batch.targets).scalar) * Double(batch.inputs.shape[0])
            outputs.append(output)
        }
    }
    let meanLoss = lossSum / Double(max(dataset.count, 1))
    guard !outputs.isEmpty else {
        return Evaluation(loss: .nan, accuracy: nil, confusion: nil, classScores: nil, meanAbsoluteError: nil, meanSquaredError: nil)
    }
    let all = Tensor.concatenate(outputs)
    switch task {
    case .classification:
        let classes = all.shape[1]
        let confusion = Metrics.confusionMatrix(predictions: all.argmax(axis: 1), labels: dataset.targets, classes: classes)
        return Evaluation(loss: meanLoss, accuracy: Metrics.accuracy(logits: all, labels: dataset.targets), confusion: confusion,
                          classScores: Metrics.classScores(confusion: confusion), meanAbsoluteError: nil, meanSquaredError: nil)
    case .regression:
        return Evaluation(loss: meanLoss, accuracy: nil, confusion: nil, classScores: nil,
                          meanAbsoluteError: Metrics.meanAbsoluteError(all, dataset.targets),
                          meanSquaredError: Metrics.meanSquaredError(all, dataset.targets))
    }
}
