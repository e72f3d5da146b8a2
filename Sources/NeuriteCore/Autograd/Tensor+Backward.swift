extension Tensor {
    /// Back-propagates from this tensor: accumulates `∂(Σ upstream · self)/∂leaf` into the
    /// `gradient` of every leaf this tensor was computed from (the chain rule, applied in reverse
    /// topological order).
    ///
    /// - Parameters:
    ///   - upstream: the gradient of some final quantity with respect to `self` (same shape). May be
    ///     omitted for a one-element tensor, where it is 1.
    ///   - retainingGraph: keep the recorded graph so that `backward` can run through it again.
    ///     By default the graph is freed as it is walked (PyTorch's `retain_graph=False`).
    public func backward(_ upstream: Tensor? = nil, retainingGraph: Bool = false) {
        guard let root = node else {
            preconditionFailure(
                "backward: the tensor does not require gradients (no leaf with requiresGradient was used, or it was computed inside withoutGradients)"
            )
        }
        propagate(from: root, seed: seed(upstream, for: "backward"), retainingGraph: retainingGraph) { leaf, gradient in
            leaf.gradient = leaf.gradient.map { $0 + gradient } ?? gradient
        }
    }

    /// The gradients of `output` with respect to each of `inputs` (PyTorch's `torch.autograd.grad`):
    /// `∂(Σ upstream · output)/∂input`, each of its input's shape, zeros for an input that `output`
    /// does not depend on. Unlike `backward()` it leaves every leaf's `gradient` untouched (a
    /// model's parameters keep theirs), and it frees the graph.
    ///
    /// - Precondition: every input is a leaf that requires gradients; `upstream` has `output`'s
    ///   shape, and may be omitted for a one-element output.
    public static func gradients(of output: Tensor, withRespectTo inputs: [Tensor], upstream: Tensor? = nil) -> [Tensor] {
        guard let root = output.node else {
            preconditionFailure(
                "gradients: the output does not require gradients (no input requiring gradients was used, or it was computed inside withoutGradients)"
            )
        }
        for (index, input) in inputs.enumerated() {
            precondition(input.isLeaf, "gradients: input \(index) of shape \(input.shape) is not a leaf that requires gradients")
        }
        var wanted: [ObjectIdentifier: Tensor] = [:]
        let keys = Set(inputs.map { ObjectIdentifier($0.node!) })
        output.propagate(from: root, seed: output.seed(upstream, for: "gradients"), retainingGraph: false) { leaf, gradient in
            let key = ObjectIdentifier(leaf)
            guard keys.contains(key) else { return }
            wanted[key] = wanted[key].map { $0 + gradient } ?? gradient
        }
        return inputs.map { wanted[ObjectIdentifier($0.node!)] ?? Tensor.zeros($0.shape) }
    }

    /// The gradient that starts back-propagation: `upstream`, or 1 for a one-element tensor.
    private func seed(_ upstream: Tensor?, for operation: String) -> Tensor {
        if let upstream {
            precondition(upstream.shape == shape, "\(operation): upstream gradient of shape \(upstream.shape) for a tensor of shape \(shape)")
            return upstream.detached()
        }
        precondition(scalarCount == 1, "\(operation): the tensor of shape \(shape) is not a scalar; pass the upstream gradient")
        return Tensor.ones(shape)
    }

    /// Runs the chain rule from `root` in reverse topological order, handing each leaf's total
    /// gradient to `reachLeaf`.
    private func propagate(from root: GradientNode, seed: Tensor, retainingGraph: Bool, reachLeaf: (GradientNode, Tensor) -> Void) {
        withoutGradients {
            var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed]
            for node in Tensor.reverseTopologicalOrder(from: root) {
                guard let gradient = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
                if node.isLeaf {
                    reachLeaf(node, gradient)
                    continue
                }
                guard let rule = node.rule else {
                    preconditionFailure(
                        "backward: the graph through '\(node.operation)' was already freed by an earlier backward(); pass retainingGraph: true to the first call"
                    )
                }
                let inputGradients = rule(gradient)
                if !retainingGraph { node.rule = nil }
                precondition(
                    inputGradients.count == node.inputs.count,
                    "backward: '\(node.operation)' returned \(inputGradients.count) gradients for \(node.inputs.count) inputs")
                for (index, input) in node.inputs.enumerated() {
                    guard let input, let inputGradient = inputGradients[index] else { continue }
                    precondition(
                        inputGradient.shape == node.inputShapes[index],
                        "backward: '\(node.operation)' returned a gradient of shape \(inputGradient.shape) for input \(index) of shape \(node.inputShapes[index])"
                    )
                    let key = ObjectIdentifier(input)
                    pending[key] = pending[key].map { $0 + inputGradient } ?? inputGradient
                }
            }
        }
    }

    /// The nodes reachable from `root`, each after every node that uses it. Iterative, so very
    /// deep graphs (thousands of layers) do not overflow the stack.
    static func reverseTopologicalOrder(from root: GradientNode) -> [GradientNode] {
        var order: [GradientNode] = []
        var visited: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
        var stack: [(node: GradientNode, nextInput: Int)] = [(root, 0)]
        while let (node, nextInput) = stack.popLast() {
            if nextInput < node.inputs.count {
                stack.append((node, nextInput + 1))
                if let input = node.inputs[nextInput], visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                order.append(node)  // post-order: inputs before their users
            }
        }
        return order.reversed()
    }
}
