/// Whether operations on tensors record the autograd graph. On by default; switched off for the
/// current thread or task inside `withoutGradients`, and during `backward()`.
public enum GradientMode {
    @TaskLocal static var isRecordingOverride: Bool?

    /// Whether operations now record the graph.
    public static var isEnabled: Bool { isRecordingOverride ?? true }
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
