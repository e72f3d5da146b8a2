import NeuriteCore
import NeuriteNN

/// Which output of a model an attribution explains.
///
/// Models that return logits `[N, C]` are explained one output column per example; models that
/// return one value per example (`[N]` or `[N, 1]`) use `.scalar` (or `.predicted`, which picks
/// their only column). An integer literal means `.index(k)`.
public enum AttributionTarget: Sendable, Equatable, ExpressibleByIntegerLiteral {
    /// Each example's highest output (its predicted class). The default.
    case predicted
    /// Output column `k` for every example (Captum's `target=k`).
    case index(Int)
    /// One output column per example.
    case indices([Int])
    /// The model's only output per example (Captum's `target=None`).
    case scalar

    public init(integerLiteral value: Int) { self = .index(value) }
}

/// Attributions of a model's outputs to its input features: which inputs drove a prediction.
///
/// The methods follow Captum's definitions (see `Documentation/Interpretability.md` for the
/// formulas and the differences). Gradients are taken with `Tensor.gradients(of:withRespectTo:)`,
/// so the model's parameters keep whatever gradients they had. Attributions have the inputs'
/// shape `[N, …]`; each example is explained independently.
///
/// Put a model in evaluation mode (`model.eval()`) first: with dropout active or batch
/// statistics in use, the explained function changes from one call to the next, and examples
/// stop being independent.
///
/// ```swift
/// let explainer = Explainer(model)
/// let map = explainer.saliency(images, target: 3)
/// let ig = explainer.integratedGradients(images, steps: 64)
/// print(ig.convergenceDelta)
/// ```
public struct Explainer {
    /// The function explained: inputs `[N, …]` to outputs `[N, C]` or `[N]`.
    public let forward: (Tensor) -> Tensor

    /// Explains a module's outputs.
    public init(_ model: Module) {
        forward = { model($0) }
    }

    /// Explains any differentiable function of a batch, for example a model followed by softmax.
    public init(forward: @escaping (Tensor) -> Tensor) {
        self.forward = forward
    }

    /// The outputs for `inputs`, without recording gradients.
    public func outputs(_ inputs: Tensor) -> Tensor {
        withoutGradients { forward(inputs.detached()) }
    }

    /// The output column explained for each example of `inputs` (nil for a one-output model
    /// explained with `.scalar`), checked against the outputs' shape.
    func columns(for target: AttributionTarget, inputs: Tensor, operation: String) -> [Int]? {
        precondition(inputs.rank >= 1 && inputs.shape[0] > 0, "\(operation): inputs \(inputs.shape) need a non-empty batch axis")
        return columns(for: target, outputs: outputs(inputs), inputShape: inputs.shape, operation: operation)
    }

    /// The output column explained for each example, given the model's `outputs` for them.
    func columns(for target: AttributionTarget, outputs: Tensor, inputShape: [Int], operation: String) -> [Int]? {
        let count = inputShape[0]
        precondition(
            outputs.rank >= 1 && outputs.shape[0] == count,
            "\(operation): the model returned outputs \(outputs.shape) for inputs \(inputShape); expected one row per example")
        precondition(
            outputs.rank <= 2, "\(operation): outputs \(outputs.shape) have more than two axes; explain a function that returns [N] or [N, C]")
        let width = outputs.rank == 2 ? outputs.shape[1] : 1
        switch target {
        case .scalar:
            precondition(
                width == 1, "\(operation): target .scalar needs one output per example, the model returns \(outputs.shape); pass a class index")
            return nil
        case .predicted:
            return outputs.rank == 2 ? outputs.argmax(axis: 1).scalars.map { Int($0) } : nil
        case .index(let column):
            precondition(
                outputs.rank == 2 && (0..<width).contains(column), "\(operation): target \(column) is out of range for outputs \(outputs.shape)")
            return Array(repeating: column, count: count)
        case .indices(let columns):
            precondition(columns.count == count, "\(operation): \(columns.count) targets for \(count) examples")
            precondition(outputs.rank == 2, "\(operation): per-example targets need outputs [N, C], the model returns \(outputs.shape)")
            for column in columns {
                precondition((0..<width).contains(column), "\(operation): target \(column) is out of range for outputs \(outputs.shape)")
            }
            return columns
        }
    }

    /// The explained output of each row of `outputs` (`[M]`, differentiable), where row `m` uses
    /// column `columns[m % columns.count]`: batches of several copies of the examples (one per
    /// step or sample) reuse the examples' columns.
    func selected(_ outputs: Tensor, columns: [Int]?) -> Tensor {
        let rows = outputs.shape[0]
        guard let columns else { return outputs.reshaped([rows]) }
        let indices = Tensor((0..<rows).map { Float(columns[$0 % columns.count]) })
        return (outputs * Tensor.oneHot(indices, classCount: outputs.shape[1])).sum(axis: 1)
    }

    /// The explained outputs of `batch` (`[M]`).
    func selectedOutputs(_ batch: Tensor, columns: [Int]?) -> Tensor {
        selected(forward(batch), columns: columns)
    }

    /// The gradient of the explained outputs with respect to `batch`. The model's parameters
    /// count as constants, so no time goes into their gradients.
    func gradient(at batch: Tensor, columns: [Int]?) -> Tensor {
        let leaf = batch.requiringGradient()
        return withGradients(onlyFor: [leaf]) {
            Tensor.gradients(of: selectedOutputs(leaf, columns: columns).sum(), withRespectTo: [leaf])[0]
        }
    }

    /// The gradient of the `target` outputs with respect to `inputs`, the target resolved from the
    /// same forward pass (one pass instead of two for `.predicted`).
    func gradient(at inputs: Tensor, target: AttributionTarget, operation: String) -> Tensor {
        precondition(inputs.rank >= 1 && inputs.shape[0] > 0, "\(operation): inputs \(inputs.shape) need a non-empty batch axis")
        let leaf = inputs.detached().requiringGradient()
        return withGradients(onlyFor: [leaf]) {
            let outputs = forward(leaf)
            let columns = columns(for: target, outputs: outputs.detached(), inputShape: inputs.shape, operation: operation)
            return Tensor.gradients(of: selected(outputs, columns: columns).sum(), withRespectTo: [leaf])[0]
        }
    }
}
