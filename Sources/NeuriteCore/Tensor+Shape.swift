import NeuriteKernels

// Reshaping and rearranging. Reshapes share storage (every tensor is contiguous); permutations
// and expansions copy.

extension Tensor {
    /// The same values with another shape, sharing storage; no autograd.
    func reshapedValues(_ newShape: [Int]) -> Tensor {
        Tensor(storage: storage, shape: newShape)
    }

    /// The same values in row-major order with `newShape`; one length may be `-1`, inferred from
    /// the others. Shares storage. Derivative: the gradient reshaped back.
    /// - Precondition: the element counts agree.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        precondition(inferred.count <= 1, "reshape: more than one -1 in \(newShape)")
        precondition(newShape.allSatisfy { $0 >= -1 }, "reshape: invalid length in \(newShape)")
        if let axis = inferred.first {
            let known = newShape.filter { $0 != -1 }.reduce(1, *)
            precondition(known > 0 && scalarCount % known == 0, "reshape: cannot reshape \(shape) (\(scalarCount) elements) into \(newShape)")
            resolved[axis] = scalarCount / known
        }
        precondition(resolved.reduce(1, *) == scalarCount, "reshape: cannot reshape \(shape) (\(scalarCount) elements) into \(newShape)")
        if resolved == shape { return self }
        let inputShape = shape
        return Tensor.recording("reshape", value: reshapedValues(resolved), inputs: [self]) { g in
            [g.reshaped(inputShape)]
        }
    }

    /// Merges axes `startAxis...endAxis` into one (`torch.flatten`); by default all, giving a
    /// vector. A scalar becomes a vector of one element.
    public func flattened(startAxis: Int = 0, endAxis: Int = -1) -> Tensor {
        if rank == 0 { return reshaped([1]) }
        let start = Shape.normalize(axis: startAxis, rank: rank, operation: "flatten")
        let end = Shape.normalize(axis: endAxis, rank: rank, operation: "flatten")
        precondition(start <= end, "flatten: start axis \(startAxis) is after end axis \(endAxis) for shape \(shape)")
        return reshaped(Array(shape[..<start]) + [shape[start...end].reduce(1, *)] + Array(shape[(end + 1)...]))
    }

    /// Removes `axis`, which must have length 1.
    public func squeezed(axis: Int) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank, operation: "squeeze")
        precondition(shape[axis] == 1, "squeeze: axis \(axis) of shape \(shape) has length \(shape[axis]), not 1")
        var newShape = shape
        newShape.remove(at: axis)
        return reshaped(newShape)
    }

    /// Removes every axis of length 1.
    public func squeezed() -> Tensor { reshaped(shape.filter { $0 != 1 }) }

    /// Inserts an axis of length 1 at `axis` (in the result: `-1` appends).
    public func unsqueezed(axis: Int) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank + 1, operation: "unsqueeze")
        var newShape = shape
        newShape.insert(1, at: axis)
        return reshaped(newShape)
    }

    /// Reorders the axes: axis `i` of the result is axis `order[i]` of `self` (`torch.permute`).
    /// Copies. Derivative: the inverse permutation.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.count == rank, "permute: \(order.count) axes given for shape \(shape)")
        let order = order.map { Shape.normalize(axis: $0, rank: rank, operation: "permute") }
        precondition(Set(order).count == rank, "permute: \(order) is not a permutation of the axes of \(shape)")
        if order == Array(0..<rank) { return self }
        let strides = contiguousStrides(of: shape)
        let newShape = order.map { shape[$0] }
        let swapsLastTwo = rank >= 2 && order == Array(0..<(rank - 2)) + [rank - 1, rank - 2]
        let value = Tensor(unsafeUninitializedShape: newShape) { output in
            if swapsLastTwo {
                // A (batched) matrix transpose: tiled, far faster than a strided walk.
                Elementwise.transposeMatrices(
                    storage.base, count: shape.dropLast(2).reduce(1, *),
                    rows: shape[rank - 2], columns: shape[rank - 1], into: output.baseAddress!)
            } else {
                Elementwise.stridedCopy(storage.base, strides: order.map { strides[$0] }, shape: newShape, into: output.baseAddress!)
            }
        }
        var inverse = Array(repeating: 0, count: rank)
        for (position, axis) in order.enumerated() { inverse[axis] = position }
        return Tensor.recording("permute", value: value, inputs: [self]) { g in [g.permuted(inverse)] }
    }

    /// Swaps two axes.
    public func transposed(_ first: Int, _ second: Int) -> Tensor {
        var order = Array(0..<rank)
        let a = Shape.normalize(axis: first, rank: rank, operation: "transpose")
        let b = Shape.normalize(axis: second, rank: rank, operation: "transpose")
        order.swapAt(a, b)
        return permuted(order)
    }

    /// Swaps the last two axes: the matrix transpose, batched (PyTorch's `mT`).
    /// - Precondition: rank ≥ 2.
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transpose: a tensor of shape \(shape) has fewer than 2 axes")
        return transposed(-2, -1)
    }

    /// Broadcasts to `newShape` (NumPy rules: new leading axes, or length-1 axes stretched).
    /// Copies. Derivative: the gradient summed back to the original shape.
    public func expanded(to newShape: [Int]) -> Tensor {
        if newShape == shape { return self }
        precondition(
            newShape.count >= rank && Shape.broadcast(shape, newShape, operation: "expand") == newShape,
            "expand: shape \(shape) cannot be expanded to \(newShape)")
        let value = Tensor(unsafeUninitializedShape: newShape) { output in
            Elementwise.stridedCopy(
                storage.base, strides: Shape.broadcastStrides(of: shape, to: newShape), shape: newShape, into: output.baseAddress!)
        }
        let inputShape = shape
        return Tensor.recording("expand", value: value, inputs: [self]) { g in [g.sum(toShape: inputShape)] }
    }
}
