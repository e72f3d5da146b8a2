import NeuriteKernels

// The value-level machinery of elementwise operations: no autograd here, only results.
// Always inlined, so that each caller's closure is inlined into the loop instead of being called
// once per element (a tenfold difference on large tensors).
extension Tensor {
    /// `body(self[i])` for every element.
    @inline(__always)
    func mapValues(_ body: (Float) -> Float) -> Tensor {
        Tensor(unsafeUninitializedShape: shape) { output in
            Elementwise.map(storage.base, output.baseAddress!, count: scalarCount, body)
        }
    }

    /// `body(a[index], b[index])` over the broadcast shape of `a` and `b` (NumPy rules).
    @inline(__always)
    static func broadcastValues(
        _ a: Tensor, _ b: Tensor, operation: String, _ body: (Float, Float) -> Float
    ) -> Tensor {
        if a.shape == b.shape {
            return Tensor(unsafeUninitializedShape: a.shape) { output in
                Elementwise.zip(a.storage.base, b.storage.base, output.baseAddress!, count: a.scalarCount, body)
            }
        }
        let shape = Shape.broadcast(a.shape, b.shape, operation: operation)
        // Common cases without the general strided walk: a scalar operand, or one operand that
        // repeats along leading axes only (a bias row added to a batch).
        if shape == a.shape, let repeats = Shape.leadingRepeats(of: b.shape, in: shape) {
            return Tensor(unsafeUninitializedShape: shape) { output in
                let (x, y, out, width) = (a.storage.base, b.storage.base, output.baseAddress!, b.scalarCount)
                if width == 1 {
                    let v = y.pointee
                    for i in 0..<a.scalarCount { out[i] = body(x[i], v) }
                } else {
                    for row in 0..<repeats { Elementwise.zip(x + row * width, y, out + row * width, count: width, body) }
                }
            }
        }
        if shape == b.shape, let repeats = Shape.leadingRepeats(of: a.shape, in: shape) {
            return Tensor(unsafeUninitializedShape: shape) { output in
                let (x, y, out, width) = (a.storage.base, b.storage.base, output.baseAddress!, a.scalarCount)
                if width == 1 {
                    let v = x.pointee
                    for i in 0..<b.scalarCount { out[i] = body(v, y[i]) }
                } else {
                    for row in 0..<repeats { Elementwise.zip(x, y + row * width, out + row * width, count: width, body) }
                }
            }
        }
        return Tensor(unsafeUninitializedShape: shape) { output in
            Elementwise.broadcastZip(
                a.storage.base, strides: Shape.broadcastStrides(of: a.shape, to: shape),
                b.storage.base, strides: Shape.broadcastStrides(of: b.shape, to: shape),
                shape: shape, into: output.baseAddress!, body)
        }
    }

    /// Replaces the values with `body(self, other)` in place (no copy when the storage is not
    /// shared); `other` must broadcast to `self`'s shape. Not recorded: a leaf keeps its identity
    /// and gradient, an operation result is cut from the graph.
    @inline(__always)
    mutating func updateValues(with other: Tensor, operation: String, _ body: (Float, Float) -> Float) {
        let shape = self.shape
        precondition(
            Shape.broadcast(shape, other.shape, operation: operation) == shape,
            "\(operation): in-place update of a tensor of shape \(shape) with shape \(other.shape) would change its shape")
        if !(node?.isLeaf ?? true) { node = nil }
        makeStorageUnique()
        let output = storage.base
        Elementwise.broadcastZip(
            output, strides: contiguousStrides(of: shape),
            other.storage.base, strides: Shape.broadcastStrides(of: other.shape, to: shape),
            shape: shape, into: output, body)
    }
}
