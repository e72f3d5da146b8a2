import NeuriteCore
import NeuriteData
import NeuriteNN

/// What the model predicts: class logits (accuracy is reported) or values (regression).
/// (Not named `Task`, which would hide Swift Concurrency's `Task` in programs that import Neurite.)
public enum PredictionTask: Sendable {
    /// Outputs `[B, C]` logits; targets are class indices `[B]`.
    case classification
    /// Outputs and targets of one shape.
    case regression

    /// The task that outputs and targets of these shapes mean: `[B, C]` outputs with `[B]`
    /// targets are classification, outputs and targets of one shape regression (so `[B, 1]`
    /// outputs need `[B, 1]` targets).
    /// - Precondition: the shapes are one of the two; the message says how to pass `task:`.
    public static func inferred(outputs: [Int], targets: [Int], in operation: String) -> PredictionTask {
        if outputs.count == 2 && targets.count == 1 && outputs[0] == targets[0] { return .classification }
        if outputs == targets { return .regression }
        preconditionFailure(
            "\(operation): outputs \(outputs) and targets \(targets) fit neither task: classification takes [B, C] outputs with [B] class indices, regression outputs and targets of one shape (reshape the targets, or pass task: explicitly)"
        )
    }
}

/// The result of `evaluate`.
public struct Evaluation: Sendable {
    /// The mean loss over the samples.
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
    /// The model's outputs for every sample, in the dataset's order (`[N, …]`; nil for an empty
    /// dataset): logits for classification, predictions for regression.
    public var outputs: Tensor? = nil

    /// Samples per batch of `evaluate` by default.
    public static let batchSize = 512
}

/// Runs `model` over `dataset` in evaluation mode without gradients, in batches, and reports the
/// mean loss and the metrics of the task: accuracy, the confusion matrix and per-class scores for
/// classification, mean absolute and squared errors for regression. Without `task`, it is inferred
/// from the shapes (`PredictionTask.inferred`). The outputs come back too (`outputs`). The
/// model's mode is restored.
public func evaluate(
    _ model: Module, on dataset: any Dataset, loss: (Tensor, Tensor) -> Tensor, task: PredictionTask? = nil,
    batchSize: Int = Evaluation.batchSize
) -> Evaluation {
    let wasTraining = model.isTraining
    model.eval()
    defer { model.train(wasTraining) }
    var outputs: [Tensor] = []
    var targets: [Tensor] = []
    var lossSum = 0.0
    withoutGradients {
        for batch in DataLoader(dataset, batchSize: batchSize).batches() {
            let output = model(batch.inputs)
            lossSum += Double(loss(output, batch.targets).scalar) * Double(batch.inputs.shape[0])
            outputs.append(output)
            targets.append(batch.targets)
        }
    }
    let meanLoss = lossSum / Double(max(dataset.count, 1))
    guard !outputs.isEmpty else {
        return Evaluation(loss: .nan, accuracy: nil, confusion: nil, classScores: nil, meanAbsoluteError: nil, meanSquaredError: nil)
    }
    let all = Tensor.concatenate(outputs)
    let allTargets = Tensor.concatenate(targets)
    var result: Evaluation
    switch task ?? PredictionTask.inferred(outputs: outputs[0].shape, targets: targets[0].shape, in: "evaluate") {
    case .classification:
        let classes = all.shape[1]
        let confusion = Metrics.confusionMatrix(predictions: all.argmax(axis: 1), labels: allTargets, classes: classes)
        result = Evaluation(
            loss: meanLoss, accuracy: Metrics.accuracy(logits: all, labels: allTargets), confusion: confusion,
            classScores: Metrics.classScores(confusion: confusion), meanAbsoluteError: nil, meanSquaredError: nil)
    case .regression:
        result = Evaluation(
            loss: meanLoss, accuracy: nil, confusion: nil, classScores: nil,
            meanAbsoluteError: Metrics.meanAbsoluteError(all, allTargets),
            meanSquaredError: Metrics.meanSquaredError(all, allTargets))
    }
    result.outputs = all
    return result
}
