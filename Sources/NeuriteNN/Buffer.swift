import NeuriteCore

/// A tensor owned by a module that is state but not trained (BatchNorm's running statistics):
/// saved with the parameters, never given gradients.
///
/// Values are `Float` in memory; `storedType` says how files keep them, so that a counter such
/// as `num_batches_tracked` is written as the int64 PyTorch writes.
public final class Buffer {
    /// How a buffer's values are written to files.
    public enum StoredType: Sendable, Equatable {
        /// 32-bit floats.
        case float32
        /// Whole numbers (counters), written as 64-bit integers.
        case int64
    }

    /// The current values.
    public var value: Tensor {
        didSet { value.requiresGradient = false }
    }

    /// How files store the values (`float32` unless given).
    public let storedType: StoredType

    /// A buffer holding `value`, saved as `storedType`.
    public init(_ value: Tensor, storedAs storedType: StoredType = .float32) {
        self.value = value.detached()
        self.storedType = storedType
    }
}
