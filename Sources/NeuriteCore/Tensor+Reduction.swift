import NeuriteKernels

// Reductions along axes. `axes` may be negative (−1 is the last) and are reduced together; an
// empty list reduces nothing. With `keepDims` the reduced axes stay with length 1, so the result
// broadcasts against the input.

extension Tensor {
    /// Whether no element is ±∞ or NaN (`torch.isfinite(x).all()`), in one vectorised pass.
    public var allFinite: Bool {
        withUnsafeBufferPointer { buffer in
            buffer.isEmpty || Reduction.allFinite(buffer.baseAddress!, count: buffer.count)
        }
    }

    /// The shape after reducing `axes` (sorted, non-negative).
    func reducedShape(_ axes: [Int], keepDims: Bool) -> [Int] {
        keepDims
            ? shape.indices.map { axes.contains($0) ? 1 : shape[$0] }
            : shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
    }

    /// Views the contiguous data as `[outer, shape[axis], inner]`.
    func split(around axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Reduces `axes` one at a time, last first, with `reduceOne(values, axis)` (which keeps the
    /// axis with length 1). Values only: no autograd.
    func reduceValues(_ axes: [Int], keepDims: Bool, _ reduceOne: (Tensor, Int) -> Tensor) -> Tensor {
        var result = detached()
        for axis in axes.reversed() { result = reduceOne(result, axis) }
        return result.reshapedValues(reducedShape(axes, keepDims: keepDims))
    }

    func sumValues(alongAxis axis: Int) -> Tensor {
        let (outer, length, inner) = split(around: axis)
        var kept = shape
        kept[axis] = 1
        return Tensor(unsafeUninitializedShape: kept) { output in
            Reduction.sum(storage.base, outer: outer, length: length, inner: inner, into: output.baseAddress!)
        }
    }

    func extremumValues(alongAxis axis: Int, maximum: Bool, operation: String) -> Tensor {
        let (outer, length, inner) = split(around: axis)
        precondition(length > 0, "\(operation): cannot reduce axis \(axis) of length 0 in shape \(shape)")
        var kept = shape
        kept[axis] = 1
        return Tensor(unsafeUninitializedShape: kept) { output in
            Reduction.extremum(maximum: maximum, storage.base, outer: outer, length: length, inner: inner, into: output.baseAddress!)
        }
    }

    // MARK: Sum and mean

    /// The sum of all elements (a scalar). Accumulated in `Double`, rounded once.
    public func sum() -> Tensor { flattened().sum(axes: [0]) }

    /// Sums along `axes`. Derivative: the gradient broadcast back over the reduced axes.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let axes = Shape.normalize(axes: axes, rank: rank, operation: "sum")
        let inputShape = shape
        let keptShape = reducedShape(axes, keepDims: true)
        let value = reduceValues(axes, keepDims: keepDims) { $0.sumValues(alongAxis: $1) }
        return Tensor.recording("sum", value: value, inputs: [self]) { g in
            [g.reshaped(keptShape).expanded(to: inputShape)]
        }
    }

    /// Sums along one axis.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    /// Sums this tensor down to `target`, a shape it was broadcast from: leading axes are summed
    /// away and axes where `target` has length 1 are summed with `keepDims`. The gradient of a
    /// broadcast operand is exactly this.
    public func sum(toShape target: [Int]) -> Tensor {
        if target == shape { return self }
        precondition(
            target.count <= rank && Shape.broadcast(target, shape, operation: "sum(toShape:)") == shape,
            "sum(toShape:): shape \(shape) is not a broadcast of \(target)")
        let offset = rank - target.count
        let axes = shape.indices.filter { $0 < offset || (target[$0 - offset] == 1 && shape[$0] != 1) }
        return sum(axes: axes, keepDims: true).reshaped(target)
    }

    /// The mean of all elements (NaN for an empty tensor, as in PyTorch).
    public func mean() -> Tensor { flattened().mean(axes: [0]) }

    /// The mean along `axes`: the sum divided by the number of elements reduced.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let resolved = Shape.normalize(axes: axes, rank: rank, operation: "mean")
        let count = resolved.reduce(1) { $0 * shape[$1] }
        return sum(axes: resolved, keepDims: keepDims) / Float(count)
    }

    /// The mean along one axis.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// The variance along `axes`, `Σ(x − mean)² / (N − correction)`. The default `correction: 1`
    /// is the unbiased estimator, as in `torch.var` (NumPy's default is 0).
    public func variance(axes: [Int], correction: Int = 1, keepDims: Bool = false) -> Tensor {
        let resolved = Shape.normalize(axes: axes, rank: rank, operation: "variance")
        let count = resolved.reduce(1) { $0 * shape[$1] }
        let centered = self - mean(axes: resolved, keepDims: true)
        return (centered * centered).sum(axes: resolved, keepDims: keepDims) / Float(Swift.max(count - correction, 0))
    }

    /// The variance along one axis.
    public func variance(axis: Int, correction: Int = 1, keepDims: Bool = false) -> Tensor {
        variance(axes: [axis], correction: correction, keepDims: keepDims)
    }

    /// The variance of all elements.
    public func variance(correction: Int = 1) -> Tensor { flattened().variance(axes: [0], correction: correction) }

    // MARK: Max and min

    /// The largest element along `axes` (NaN if any is NaN). Derivative: the gradient is shared
    /// equally among the elements that attain the maximum (PyTorch's `amax`).
    /// - Precondition: the reduced axes are not empty.
    public func max(axes: [Int], keepDims: Bool = false) -> Tensor {
        extremum("max", maximum: true, axes: axes, keepDims: keepDims)
    }

    /// The smallest element along `axes`; see `max(axes:keepDims:)`.
    public func min(axes: [Int], keepDims: Bool = false) -> Tensor {
        extremum("min", maximum: false, axes: axes, keepDims: keepDims)
    }

    /// The largest element along one axis.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor { max(axes: [axis], keepDims: keepDims) }
    /// The smallest element along one axis.
    public func min(axis: Int, keepDims: Bool = false) -> Tensor { min(axes: [axis], keepDims: keepDims) }

    /// The largest element (a scalar).
    public func max() -> Tensor { flattened().max(axes: [0]) }
    /// The smallest element (a scalar).
    public func min() -> Tensor { flattened().min(axes: [0]) }

    private func extremum(_ operation: String, maximum: Bool, axes: [Int], keepDims: Bool) -> Tensor {
        let axes = Shape.normalize(axes: axes, rank: rank, operation: operation)
        let value = reduceValues(axes, keepDims: keepDims) {
            $0.extremumValues(alongAxis: $1, maximum: maximum, operation: operation)
        }
        let (x, inputShape, keptShape) = (detached(), shape, reducedShape(axes, keepDims: true))
        return Tensor.recording(operation, value: value, inputs: [self]) { g in
            let attained = x .== value.reshaped(keptShape)
            let ties = attained.sum(axes: axes, keepDims: true)
            return [attained * (g.reshaped(keptShape) / ties).expanded(to: inputShape)]
        }
    }

    // MARK: Arg max and arg min

    /// The index of the largest element along `axis` (the first on ties; a NaN wins), as a tensor
    /// of exact integer values. Not differentiable.
    public func argmax(axis: Int, keepDims: Bool = false) -> Tensor {
        argBest(axis: axis, keepDims: keepDims, operation: "argmax") { $0 > $1 }
    }

    /// The index of the smallest element along `axis` (the first on ties).
    public func argmin(axis: Int, keepDims: Bool = false) -> Tensor {
        argBest(axis: axis, keepDims: keepDims, operation: "argmin") { $0 < $1 }
    }

    /// The flat (row-major) index of the largest element, as a scalar.
    public func argmax() -> Tensor { flattened().argmax(axis: 0) }
    /// The flat index of the smallest element, as a scalar.
    public func argmin() -> Tensor { flattened().argmin(axis: 0) }

    private func argBest(axis: Int, keepDims: Bool, operation: String, _ isBetter: (Float, Float) -> Bool) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank, operation: operation)
        let (outer, length, inner) = split(around: axis)
        precondition(length > 0, "\(operation): cannot reduce axis \(axis) of length 0 in shape \(shape)")
        var indices = [Int](repeating: 0, count: outer * inner)
        indices.withUnsafeMutableBufferPointer { output in
            Reduction.argBest(storage.base, outer: outer, length: length, inner: inner, into: output.baseAddress!, isBetter)
        }
        return Tensor(indices.map(Float.init), shape: reducedShape([axis], keepDims: keepDims))
    }

    // MARK: Log-sum-exp

    /// `log Σ exp(x)` along `axes`, computed as `m + log Σ exp(x − m)` with `m` the maximum, so
    /// that large inputs do not overflow (all −∞ gives −∞). Derivative: softmax over `axes`.
    public func logSumExp(axes: [Int], keepDims: Bool = false) -> Tensor {
        let axes = Shape.normalize(axes: axes, rank: rank, operation: "logSumExp")
        // The shift is a constant for differentiation: its gradient cancels exactly.
        let shift = detached().max(axes: axes, keepDims: true).mapValues { $0.isFinite ? $0 : 0 }
        let total = NeuriteCore.log(NeuriteCore.exp(self - shift).sum(axes: axes, keepDims: true)) + shift
        return keepDims ? total : total.reshaped(reducedShape(axes, keepDims: false))
    }

    /// `log Σ exp(x)` along one axis.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Tensor { logSumExp(axes: [axis], keepDims: keepDims) }
}
