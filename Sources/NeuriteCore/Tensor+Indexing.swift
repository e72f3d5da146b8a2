import NeuriteKernels

// Slicing, selecting and gathering by index. Index tensors hold exact integers in `Float`
// (exact up to 2²⁴ = 16,777,216).

extension Tensor {
    /// The elements `range` (stepping by `step`) along `axis`. Copies. Derivative: the gradient
    /// placed back into zeros of the input's shape.
    public func slice(axis: Int, _ range: Range<Int>, step: Int = 1) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank, operation: "slice")
        precondition(
            range.lowerBound >= 0 && range.upperBound <= shape[axis],
            "slice: range \(range) out of bounds for axis \(axis) of length \(shape[axis]) in \(shape)")
        precondition(step > 0, "slice: step \(step) must be positive")
        var newShape = shape
        newShape[axis] = (range.count + step - 1) / step
        var strides = contiguousStrides(of: shape)
        let offset = range.lowerBound * strides[axis]
        strides[axis] *= step
        let value = Tensor(unsafeUninitializedShape: newShape) { output in
            Elementwise.stridedCopy(storage.base + offset, strides: strides, shape: newShape, into: output.baseAddress!)
        }
        let inputShape = shape
        return Tensor.recording("slice", value: value, inputs: [self]) { g in
            var full = Tensor.zeros(inputShape)
            full.withUnsafeMutableBufferPointer { buffer in
                // Scatter back through the same strides: walk the slice positions in order.
                let layout = StridedLayout(shape: newShape, operandStrides: [strides])
                var position = 0
                layout.forEachRun { offsets, n, innerStrides in
                    for j in 0..<n { buffer[offset + offsets[0] + j * innerStrides[0]] = g.storage.base[position + j] }
                    position += n
                }
            }
            return [full]
        }
    }

    /// Slices the leading axes by `ranges` (`x[0..<2, 1...]`); axes not named are kept whole.
    public subscript(_ ranges: any RangeExpression<Int>...) -> Tensor {
        precondition(ranges.count <= rank, "subscript: \(ranges.count) ranges for shape \(shape)")
        var result = self
        for (axis, range) in ranges.enumerated() {
            let resolved = range.relative(to: 0..<shape[axis])
            if resolved != 0..<shape[axis] { result = result.slice(axis: axis, resolved) }
        }
        return result
    }

    /// The sub-tensor at `indices` along the leading axes, which are removed (`x[i]`, `x[i, j]`);
    /// negative indices count from the end. With one index per axis the result is a scalar.
    public subscript(_ indices: Int...) -> Tensor {
        precondition(indices.count <= rank, "subscript: \(indices.count) indices for shape \(shape)")
        var result = self
        for index in indices {
            let length = result.shape[0]
            let i = index < 0 ? index + length : index
            precondition(i >= 0 && i < length, "subscript: index \(index) out of range for length \(length) in \(shape)")
            result = result.slice(axis: 0, i..<i + 1).squeezed(axis: 0)
        }
        return result
    }

    /// The slices at `indices` along `axis`, in that order (`torch.index_select`); an index may
    /// repeat. Derivative: the gradient added back at each index.
    public func indexSelect(axis: Int, indices: [Int]) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank, operation: "indexSelect")
        let (outer, length, inner) = split(around: axis)
        let resolved = indices.map { index in
            let i = index < 0 ? index + length : index
            precondition(i >= 0 && i < length, "indexSelect: index \(index) out of range for axis \(axis) of length \(length) in \(shape)")
            return i
        }
        var newShape = shape
        newShape[axis] = resolved.count
        let value = Tensor(unsafeUninitializedShape: newShape) { output in
            for o in 0..<outer {
                for (j, i) in resolved.enumerated() {
                    (output.baseAddress! + (o * resolved.count + j) * inner).update(from: storage.base + (o * length + i) * inner, count: inner)
                }
            }
        }
        let inputShape = shape
        return Tensor.recording("indexSelect", value: value, inputs: [self]) { g in
            var full = Tensor.zeros(inputShape)
            full.withUnsafeMutableBufferPointer { buffer in
                for o in 0..<outer {
                    for (j, i) in resolved.enumerated() {
                        let source = g.storage.base + (o * resolved.count + j) * inner
                        let target = buffer.baseAddress! + (o * length + i) * inner
                        for k in 0..<inner { target[k] += source[k] }
                    }
                }
            }
            return [full]
        }
    }

    /// `torch.gather`: for every position `p` of `indices` (same rank as `self`, each length no
    /// larger than `self`'s except along `axis`), the element of `self` at `p` with its `axis`
    /// coordinate replaced by `indices[p]`. The result has `indices`' shape.
    /// Derivative: the gradient added back into the gathered positions.
    public func gather(axis: Int, indices: Tensor) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank, operation: "gather")
        precondition(
            indices.rank == rank && indices.shape.indices.allSatisfy { $0 == axis || indices.shape[$0] <= shape[$0] },
            "gather: index shape \(indices.shape) does not fit input shape \(shape) along axis \(axis)")
        let sourceOffsets = gatherOffsets(axis: axis, indices: indices, operation: "gather")
        let value = Tensor(unsafeUninitializedShape: indices.shape) { output in
            for (position, offset) in sourceOffsets.enumerated() { output[position] = storage.base[offset] }
        }
        let inputShape = shape
        return Tensor.recording("gather", value: value, inputs: [self]) { g in
            var full = Tensor.zeros(inputShape)
            full.withUnsafeMutableBufferPointer { buffer in
                for (position, offset) in sourceOffsets.enumerated() { buffer[offset] += g.storage.base[position] }
            }
            return [full]
        }
    }

    /// For each element of `indices` in row-major order, the flat offset it selects in `self`.
    private func gatherOffsets(axis: Int, indices: Tensor, operation: String) -> [Int] {
        let strides = contiguousStrides(of: shape)
        var coordinates = Array(repeating: 0, count: rank)
        var offsets: [Int] = []
        offsets.reserveCapacity(indices.scalarCount)
        for position in 0..<indices.scalarCount {
            let raw = indices.storage.base[position]
            let index = Int(exactly: raw) ?? -1
            precondition(index >= 0 && index < shape[axis], "\(operation): index \(raw) out of range for axis \(axis) of length \(shape[axis])")
            var offset = index * strides[axis]
            for d in 0..<rank where d != axis { offset += coordinates[d] * strides[d] }
            offsets.append(offset)
            // Advance the row-major coordinates within `indices`' shape.
            var d = rank - 1
            while d >= 0 {
                coordinates[d] += 1
                if coordinates[d] < indices.shape[d] { break }
                coordinates[d] = 0
                d -= 1
            }
        }
        return offsets
    }

    /// One-hot encoding: for class indices of any shape, a tensor of shape `indices.shape +
    /// [classCount]` with 1 at each index and 0 elsewhere (`torch.nn.functional.one_hot`).
    public static func oneHot(_ indices: Tensor, classCount: Int) -> Tensor {
        precondition(classCount >= 0, "oneHot: negative class count \(classCount)")
        var result = zeros(indices.shape + [classCount])
        result.withUnsafeMutableBufferPointer { buffer in
            for position in 0..<indices.scalarCount {
                let raw = indices.storage.base[position]
                let index = Int(exactly: raw) ?? -1
                precondition(index >= 0 && index < classCount, "oneHot: class index \(raw) out of range for \(classCount) classes")
                buffer[position * classCount + index] = 1
            }
        }
        return result
    }
}
