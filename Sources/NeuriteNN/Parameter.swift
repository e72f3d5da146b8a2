import NeuriteCore

/// A trainable tensor owned by a module (PyTorch's `nn.Parameter`).
///
/// `value` is a leaf that requires gradients while the parameter is trainable; after
/// `backward()` its gradient is in `gradient`. Optimisers update `value` in place inside
/// `withoutGradients`, which keeps it the same leaf. A frozen parameter (`isTrainable == false`)
/// records no graph and receives no gradient.
public final class Parameter {
    /// The current values. Assigning a new tensor keeps the parameter's trainability. Changing
    /// them in place (`value -= step`, `value.withUnsafeMutableBufferPointer`) changes this
    /// parameter's buffer without copying it, as optimisers do.
    public var value: Tensor {
        get { storedValue }
        set {
            storedValue = newValue
            storedValue.requiresGradient = isTrainable
        }
        // In place: an observed stored property would hand the mutation a copy, and the
        // copy-on-write buffer would then be copied whole on every optimiser step.
        _modify {
            yield &storedValue
            storedValue.requiresGradient = isTrainable
        }
    }
    private var storedValue: Tensor

    /// Whether the parameter receives gradients. Setting it to `false` freezes it (and drops any
    /// accumulated gradient).
    public var isTrainable: Bool {
        didSet { storedValue.requiresGradient = isTrainable }
    }

    /// The gradient accumulated by `backward()`, shaped like `value`; nil before the first
    /// backward pass, after `zeroGradient()`, or when frozen. A table with row-sparse gradients
    /// has none here: see `sparseGradient`.
    public var gradient: Tensor? { value.gradient }

    /// Where lookups deliver this table's gradient as rows, for a parameter made with
    /// `receivesRowSparseGradients()` (a sparse `Embedding` or `EmbeddingBag`); nil otherwise.
    public private(set) var rowGradientSink: RowGradientSink?

    /// The rows of the gradient accumulated by `backward()`, for a parameter with row-sparse
    /// gradients; nil otherwise and before the first backward pass. Optimisers update just those rows.
    public var sparseGradient: RowSparseGradient? { rowGradientSink?.gradient }

    /// Makes lookups deliver this parameter's gradient as rows (`sparseGradient`) from now on.
    public func receivesRowSparseGradients() {
        if rowGradientSink == nil { rowGradientSink = RowGradientSink() }
    }

    /// The shape of `value`.
    public var shape: [Int] { value.shape }

    /// A parameter holding `value`.
    public init(_ value: Tensor, isTrainable: Bool = true) {
        storedValue = value
        self.isTrainable = isTrainable
        storedValue.requiresGradient = isTrainable
    }

    /// Clears the accumulated gradient.
    public func zeroGradient() {
        if value.isLeaf { value.gradient = nil }
        rowGradientSink?.clear()
    }
}
