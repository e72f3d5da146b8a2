/// Whether operations on tensors record the autograd graph. On by default; switched off for the
/// current thread or task inside `withoutGradients`, and during `backward()`.
public enum GradientMode {
    @TaskLocal static var isRecordingOverride: Bool?

    /// Whether operations now record the graph.
    public static var isEnabled: Bool { isRecordingOverride ?? true }

    /// Inside `withGradients(onlyFor:)`: the leaves gradients may flow to; other leaves count as
    /// constants.
    @TaskLocal static var onlyLeaves: Set<ObjectIdentifier>?
}

/// Runs `body` without recording gradients, like PyTorch's `torch.no_grad()`: results of tensor
/// operations inside do not require gradients. Use it for evaluation and parameter updates.
public func withoutGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradientMode.$isRecordingOverride.withValue(false) { try body() }
}

/// Runs `body` with gradient recording on, even inside `withoutGradients`
/// (PyTorch's `torch.enable_grad()`).
public func withGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradientMode.$isRecordingOverride.withValue(true) { try body() }
}

/// Runs `body` recording only the operations that depend on `leaves`: every other leaf (a model's
/// parameters, typically) is treated as a constant, so backward passes skip its gradients — half
/// the work of a dense layer's backward pass. For gradients with respect to inputs only, as
/// attributions need (`Tensor.gradients(of:withRespectTo:)` on the result).
///
/// - Precondition: every tensor in `leaves` is a leaf that requires gradients.
public func withGradients<Result>(onlyFor leaves: [Tensor], _ body: () throws -> Result) rethrows -> Result {
    let nodes = leaves.enumerated().map { index, leaf -> ObjectIdentifier in
        guard let node = leaf.node, node.isLeaf else {
            preconditionFailure("withGradients(onlyFor:): tensor \(index) of shape \(leaf.shape) is not a leaf that requires gradients")
        }
        return ObjectIdentifier(node)
    }
    return try GradientMode.$onlyLeaves.withValue(Set(nodes)) {
        try GradientMode.$isRecordingOverride.withValue(true) { try body() }
    }
}
