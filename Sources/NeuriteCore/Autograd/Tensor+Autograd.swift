extension Tensor {
    /// Whether this tensor takes part in automatic differentiation: it is a leaf created with
    /// `requiresGradient: true`, or the result of an operation recorded from one.
    ///
    /// Setting it to `true` makes the tensor a new leaf (with no gradient yet); setting it to
    /// `false` detaches it from the graph.
    public var requiresGradient: Bool {
        get { node != nil }
        set {
            if newValue {
                if !(node?.isLeaf ?? false) { node = GradientNode() }
            } else {
                node = nil
            }
        }
    }

    /// Whether this tensor is a leaf of the graph (it requires gradients and was not computed by a
    /// recorded operation), so that `backward()` accumulates into its `gradient`.
    public var isLeaf: Bool { node?.isLeaf ?? false }

    /// The gradient accumulated by `backward()` calls, for leaves that require gradients; nil
    /// before the first backward pass and after it is cleared. Shape: the tensor's shape.
    public var gradient: Tensor? {
        get { node?.gradient }
        nonmutating set {
            guard let node, node.isLeaf else {
                preconditionFailure("gradient: only a leaf that requires gradients has one")
            }
            if let newValue {
                precondition(newValue.shape == shape, "gradient: shape \(newValue.shape) for a tensor of shape \(shape)")
            }
            node.gradient = newValue.map { $0.detached() }
        }
    }

    /// The same values, cut from the graph: the result does not require gradients.
    /// Shares storage with `self`.
    public func detached() -> Tensor { Tensor(storage: storage, shape: shape) }

    /// The same tensor as a leaf that requires gradients (shares storage).
    public func requiringGradient() -> Tensor {
        var copy = detached()
        copy.requiresGradient = true
        return copy
    }

    /// Builds the result of a differentiable operation. When gradients are being recorded and
    /// some input requires them, the result records `rule`, which receives the gradient of the
    /// result (same shape as `value`) and returns one gradient per input, each of that input's
    /// shape, or nil for an input that gets none.
    ///
    /// The rule runs with recording off. It must not capture the result tensor itself (that would
    /// make a reference cycle): capture `value.detached()` instead. This is how every layer above
    /// the core defines an operation with its own derivative.
    public static func recording(
        _ operation: String, value: Tensor, inputs: [Tensor],
        rule: @escaping (_ gradient: Tensor) -> [Tensor?]
    ) -> Tensor {
        var result = value.detached()
        // The input check first: it is cheaper than reading the task-local mode.
        if inputs.contains(where: { $0.node != nil }), GradientMode.isEnabled {
            let nodes = inputs.map(\.activeNode)
            if nodes.contains(where: { $0 != nil }) {
                result.node = GradientNode(operation: operation, inputs: nodes, shapes: inputs.map(\.shape), rule: rule)
            }
        }
        return result
    }

    /// The node gradients flow through now: `node`, except inside `withGradients(onlyFor:)`,
    /// where leaves not listed there count as constants (nil). Operations whose derivative is
    /// costly per input (matrix products) skip the inputs that have none.
    var activeNode: GradientNode? {
        guard let node, node.isLeaf, let only = GradientMode.onlyLeaves else { return node }
        return only.contains(ObjectIdentifier(node)) ? node : nil
    }

    /// Whether a result computed from `inputs` now would be recorded.
    static func isRecording(_ inputs: Tensor...) -> Bool {
        inputs.contains { $0.node != nil } && GradientMode.isEnabled
    }
}
