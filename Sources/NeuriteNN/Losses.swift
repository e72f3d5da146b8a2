import NeuriteCore

/// How a loss combines its per-element values (PyTorch's `reduction`).
public enum LossReduction: Sendable {
    /// The average (for class-weighted or ignoring losses: divided by the sum of the weights used).
    case mean
    /// The sum over elements.
    case sum
    /// Per element, unreduced.
    case none
}

extension Tensor {
    func reduced(_ reduction: LossReduction) -> Tensor {
        switch reduction {
        case .mean: mean()
        case .sum: sum()
        case .none: self
        }
    }
}

/// Mean squared error `(prediction − target)²`, reduced.
/// - Precondition: the shapes are equal. (PyTorch broadcasts `[N, 1]` against `[N]` with only a
///   warning, which silently computes an `[N, N]` loss; here it is an error.)
public func meanSquaredError(_ prediction: Tensor, _ target: Tensor, reduction: LossReduction = .mean) -> Tensor {
    precondition(prediction.shape == target.shape, "meanSquaredError: prediction \(prediction.shape) and target \(target.shape) differ")
    return square(prediction - target).reduced(reduction)
}

/// Binary cross-entropy on probabilities (PyTorch's `BCELoss`):
/// `ℓ = −w·[y·log p + (1 − y)·log(1 − p)]` with each log clamped at −100, so a confident wrong
/// answer costs 100, not ∞. Derivative with respect to p: `w·(p − y) / max(p(1 − p), 10⁻¹²)`.
/// Prefer `binaryCrossEntropy(logits:targets:)`, which is exact where sigmoid saturates.
/// - Parameters:
///   - weight: broadcast against the elements (optional).
public func binaryCrossEntropy(
    probabilities: Tensor, targets: Tensor, weight: Tensor? = nil, reduction: LossReduction = .mean
) -> Tensor {
    precondition(probabilities.shape == targets.shape, "binaryCrossEntropy: probabilities \(probabilities.shape) and targets \(targets.shape) differ")
    let (p, y) = (probabilities.detached(), targets.detached())
    let w = weight?.detached() ?? Tensor(1)
    let logP = clamp(log(p), min: -100), logNotP = clamp(log(1 - p), min: -100)
    let value = -w * (y * logP + (1 - y) * logNotP)
    let elementwise = Tensor.recording("binaryCrossEntropy", value: value, inputs: [probabilities]) { g in
        [g * w * (p - y) / Tensor.maximum(p * (1 - p), Tensor(1e-12))]
    }
    return elementwise.reduced(reduction)
}

/// Binary cross-entropy on logits (PyTorch's `BCEWithLogitsLoss`), stable for any logit:
/// `ℓ = w·[(1 − y)·x − (1 + (posWeight − 1)·y)·log σ(x)]`, with `log σ(x) = min(x, 0) − log(1 + e^{−|x|})`.
/// `positiveWeight` multiplies the positive term only and broadcasts along the last axis (give it
/// shape `[C]` for targets `[N, C]`). Derivative: `w·(σ(x)·(1 + (p − 1)·y) − p·y)`.
public func binaryCrossEntropy(
    logits: Tensor, targets: Tensor, weight: Tensor? = nil, positiveWeight: Tensor? = nil,
    reduction: LossReduction = .mean
) -> Tensor {
    precondition(logits.shape == targets.shape, "binaryCrossEntropy: logits \(logits.shape) and targets \(targets.shape) differ")
    let (x, y) = (logits.detached(), targets.detached())
    let w = weight?.detached() ?? Tensor(1)
    let logWeight = positiveWeight.map { 1 + ($0.detached() - 1) * y } ?? Tensor(1)
    let logSigmoid = Tensor.minimum(x, Tensor(0)) - log(1 + exp(-abs(x)))
    let value = w * ((1 - y) * x - logWeight * logSigmoid)
    let elementwise = Tensor.recording("binaryCrossEntropyWithLogits", value: value, inputs: [logits]) { g in
        let p = positiveWeight?.detached() ?? Tensor(1)
        return [g * w * (sigmoid(x) * logWeight - p * y)]
    }
    return elementwise.reduced(reduction)
}

/// Cross-entropy of logits against class indices (PyTorch's `CrossEntropyLoss`), which is
/// `log_softmax` followed by the negative log-likelihood, with PyTorch's options:
///
/// `ℓₙ = −w_{yₙ} · [(1 − ε)·log softmax(xₙ)_{yₙ} + (ε/C)·Σ_c (w_c/w_{yₙ})·log softmax(xₙ)_c]`
/// for `yₙ ≠ ignoreIndex`, 0 otherwise. `.mean` divides the sum by `Σₙ w_{yₙ}` over the samples not
/// ignored (NaN when all are), not by N.
///
/// - Parameters:
///   - logits: `[N, C]`, `[C]`, or `[N, C, d₁, …]` (the class axis is 1, as in PyTorch).
///   - classIndices: `[N]` (or `[]`, or `[N, d₁, …]`) of exact integers in `0..<C`, or `ignoreIndex`.
///   - weights: `[C]` per-class weights (optional).
///   - ignoreIndex: targets with this value contribute nothing (default −100).
///   - labelSmoothing: ε in [0, 1]: the target becomes `(1 − ε)·onehot + ε/C`.
public func crossEntropy(
    logits: Tensor, classIndices: Tensor, weights: Tensor? = nil, ignoreIndex: Int = -100,
    labelSmoothing: Float = 0, reduction: LossReduction = .mean
) -> Tensor {
    let (rows, targetShape) = classRows(logits, operation: "crossEntropy")
    return negativeLogLikelihood(
        rows: logSoftmax(rows, axis: 1), classIndices: classIndices, expectedTargetShape: targetShape,
        weights: weights, ignoreIndex: ignoreIndex, labelSmoothing: labelSmoothing, reduction: reduction,
        operation: "crossEntropy")
}

/// Cross-entropy of logits against class probabilities of the same shape:
/// `ℓₙ = −Σ_c w_c·qₙ_c·log softmax(xₙ)_c` with `q = (1 − ε)·target + ε/C`; `.mean` divides by N.
/// Probabilities are not validated (as in PyTorch).
public func crossEntropy(
    logits: Tensor, probabilities: Tensor, weights: Tensor? = nil, labelSmoothing: Float = 0,
    reduction: LossReduction = .mean
) -> Tensor {
    precondition(logits.shape == probabilities.shape, "crossEntropy: logits \(logits.shape) and probabilities \(probabilities.shape) differ")
    precondition((0...1).contains(labelSmoothing), "crossEntropy: label smoothing \(labelSmoothing) is not in [0, 1]")
    let (rows, _) = classRows(logits, operation: "crossEntropy")
    let (targets, _) = classRows(probabilities.detached(), operation: "crossEntropy")
    let classes = Float(rows.shape[1])
    let smoothed = labelSmoothing > 0 ? targets * (1 - labelSmoothing) + labelSmoothing / classes : targets
    var weighted = smoothed * logSoftmax(rows, axis: 1)
    if let weights { weighted = weighted * weights.detached() }
    return (-weighted.sum(axis: 1)).reduced(reduction)
}

/// The negative log-likelihood of log-probabilities (PyTorch's `NLLLoss`):
/// `ℓₙ = −w_{yₙ}·x_{n,yₙ}`, with the same shapes, weights, `ignoreIndex` and `.mean` rule as
/// `crossEntropy(logits:classIndices:)`.
public func negativeLogLikelihood(
    logProbabilities: Tensor, classIndices: Tensor, weights: Tensor? = nil, ignoreIndex: Int = -100,
    reduction: LossReduction = .mean
) -> Tensor {
    let (rows, targetShape) = classRows(logProbabilities, operation: "negativeLogLikelihood")
    return negativeLogLikelihood(
        rows: rows, classIndices: classIndices, expectedTargetShape: targetShape, weights: weights,
        ignoreIndex: ignoreIndex, labelSmoothing: 0, reduction: reduction, operation: "negativeLogLikelihood")
}

/// The shared core: `rows` are `[M, C]` log-probabilities.
private func negativeLogLikelihood(
    rows: Tensor, classIndices: Tensor, expectedTargetShape: [Int], weights: Tensor?, ignoreIndex: Int,
    labelSmoothing: Float, reduction: LossReduction, operation: String
) -> Tensor {
    precondition(
        classIndices.shape == expectedTargetShape,
        "\(operation): targets of shape \(classIndices.shape) for logits giving \(expectedTargetShape)")
    precondition((0...1).contains(labelSmoothing), "\(operation): label smoothing \(labelSmoothing) is not in [0, 1]")
    let classes = rows.shape[1]
    if let weights {
        precondition(weights.shape == [classes], "\(operation): weights of shape \(weights.shape) for \(classes) classes")
    }
    // Ignored targets point at class 0 and get weight 0.
    var indices: [Float] = [], kept: [Float] = []
    for raw in classIndices.scalars {
        let index = Int(exactly: raw)
        let ignored = index == ignoreIndex
        precondition(
            ignored || (index.map { (0..<classes).contains($0) } ?? false),
            "\(operation): target \(raw) is not a class index in 0..<\(classes) (nor ignoreIndex \(ignoreIndex))")
        indices.append(ignored ? 0 : raw)
        kept.append(ignored ? 0 : 1)
    }
    let count = indices.count
    let targetIndices = Tensor(indices, shape: [count, 1])
    let keep = Tensor(kept, shape: [count])
    let classWeights = weights?.detached()
    let sampleWeights = (classWeights.map { $0.indexSelect(axis: 0, indices: indices.map { Int($0) }) } ?? Tensor.ones([count])) * keep
    var losses = -rows.gather(axis: 1, indices: targetIndices).reshaped([count]) * sampleWeights
    if labelSmoothing > 0 {
        let weightedRows = classWeights.map { rows * $0 } ?? rows
        let smooth = -weightedRows.sum(axis: 1) * keep
        losses = losses * (1 - labelSmoothing) + smooth * (labelSmoothing / Float(classes))
    }
    switch reduction {
    case .none: return losses.reshaped(expectedTargetShape)
    case .sum: return losses.sum()
    case .mean: return losses.sum() / sampleWeights.sum()
    }
}

/// Logits `[C]`, `[N, C]` or `[N, C, d…]` as rows `[M, C]` (class axis last), and the shape the
/// targets must have.
private func classRows(_ logits: Tensor, operation: String) -> (rows: Tensor, targetShape: [Int]) {
    switch logits.rank {
    case 1: return (logits.reshaped([1, -1]), [])
    case 2: return (logits, [logits.shape[0]])
    case let rank where rank > 2:
        let classes = logits.shape[1]
        var order = Array(0..<rank)
        order.remove(at: 1)
        order.append(1)
        let rows = logits.permuted(order).reshaped([-1, classes])
        return (rows, [logits.shape[0]] + Array(logits.shape.dropFirst(2)))
    default:
        preconditionFailure("\(operation): logits must have a class axis, got shape \(logits.shape)")
    }
}

/// `Σ ‖p‖²` over the given parameters (without the ½ some texts use): add `λ · l2Penalty(…)` to a
/// loss for L2 regularisation. With Adam, prefer AdamW's decoupled weight decay.
public func l2Penalty(_ parameters: [Parameter]) -> Tensor {
    parameters.map { square($0.value).sum() }.reduce(Tensor(0), +)
}
