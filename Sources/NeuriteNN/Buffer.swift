import NeuriteCore

/// A tensor owned by a module that is state but not trained (BatchNorm's running statistics):
/// saved with the parameters, never given gradients.
public final class Buffer {
    /// The current values.
    public var value: Tensor {
        didSet { value.requiresGradient = false }
    }

    public init(_ value: Tensor) {
        self.value = value.detached()
    }
}
