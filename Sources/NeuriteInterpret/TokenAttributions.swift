import NeuriteCore
import NeuriteNN

/// Integrated gradients of one class's logit with respect to the embedding of each id of one text
/// (Sundararajan et al. 2017, on the embeddings), for a `Sequential` whose first layer is an
/// `EmbeddingBag` in `sum` or `mean` mode (`fastTextClassifier`'s form).
///
/// With a zero baseline for every embedding, the pooled vector on the path is `α · p` (the bag is
/// linear in its rows), so the gradient along the path is that of the rest of the network at
/// `α · p`, averaged over `steps` midpoints `α = (k + ½)/steps`; a position's attribution is its
/// row (divided by the bag's size for `mean`) dotted with that average. The attributions add up to
/// `f(p) − f(0)` up to the quadrature error: `delta` is what is missing. Padding ids get 0.
public func embeddingIntegratedGradients(
    _ model: Sequential, ids: [Int], target: Int, steps: Int = 64
) -> (attributions: [Float], delta: Float) {
    guard let bag = model.layers.first as? EmbeddingBag, bag.mode != .max else {
        preconditionFailure("embeddingIntegratedGradients: the model must start with an EmbeddingBag in sum or mean mode")
    }
    precondition(steps >= 1, "embeddingIntegratedGradients: steps must be at least 1, got \(steps)")
    let rest = Sequential(Array(model.layers.dropFirst()))
    let wasTraining = model.isTraining
    model.eval()
    defer { model.train(wasTraining) }
    let padding = bag.paddingIndex.map { $0 < 0 ? $0 + bag.rowCount : $0 } ?? -1
    let used = ids.filter { $0 != padding }.count
    let scale: Float = bag.mode == .mean ? 1 / Float(max(used, 1)) : 1
    let input = Tensor(ids.isEmpty ? [Float(max(padding, 0))] : ids.map(Float.init), shape: [1, max(ids.count, 1)])
    let pooled = withoutGradients { bag(input) }
    let alphas = Tensor((0..<steps).map { (Float($0) + 0.5) / Float(steps) }, shape: [steps, 1])
    let path = (alphas * pooled).requiringGradient()
    let logits = rest(path)
    logits.slice(axis: 1, target..<target + 1).sum().backward()
    let averageGradient = path.gradient!.mean(axes: [0])
    let gradient = averageGradient.scalars
    let table = bag.weight.value
    let dimension = bag.dimension
    let attributions: [Float] = table.withUnsafeBufferPointer { rows in
        ids.map { id in
            guard id != padding else { return 0 }
            var dot: Float = 0
            for k in 0..<dimension { dot += rows[id * dimension + k] * gradient[k] }
            return dot * scale
        }
    }
    let (atInput, atBaseline) = withoutGradients {
        (rest(pooled)[0, target].scalar, rest(Tensor.zeros(pooled.shape))[0, target].scalar)
    }
    return (attributions, atInput - atBaseline - attributions.reduce(0, +))
}
