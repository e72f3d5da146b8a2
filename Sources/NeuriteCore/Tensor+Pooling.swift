import NeuriteKernels

/// Pooling over the last one or two axes of `[N, C, L]` or `[N, C, H, W]`, with PyTorch's
/// semantics (`max_pool1d/2d`, `avg_pool1d/2d`, `adaptive_avg_pool*`, `adaptive_max_pool*`).
///
/// Output lengths: `⌊(L + 2p − d·(k − 1) − 1) / s⌋ + 1`, or with `ceilMode` rounded up, less one
/// when the last window would start in the right padding. `stride` defaults to the kernel.
public enum Pool {
    /// The output length of a pooling window along one axis (see the type's documentation).
    public static func outputLength(length: Int, kernel: Int, stride: Int, padding: Int, dilation: Int = 1, ceilMode: Bool) -> Int {
        let reach = length + 2 * padding - dilation * (kernel - 1) - 1
        guard reach >= 0 else { return 0 }
        var count = (ceilMode ? (reach + stride - 1) / stride : reach / stride) + 1
        if ceilMode && (count - 1) * stride >= length + padding { count -= 1 }
        return count
    }

    /// Why these settings cannot pool an axis of `length`, or nil when they can: positive kernel,
    /// stride and dilation, padding at most half the window (PyTorch's limit), and at least one
    /// output.
    public static func problem(length: Int, kernel: Int, stride: Int, padding: Int, dilation: Int = 1, ceilMode: Bool) -> String? {
        guard kernel > 0, stride > 0, dilation > 0 else { return "kernel \(kernel), stride \(stride) and dilation \(dilation) must be positive" }
        guard padding >= 0, padding <= (dilation * (kernel - 1) + 1) / 2 else {
            return "padding \(padding) must be between 0 and half the window (\(dilation * (kernel - 1) + 1))"
        }
        guard outputLength(length: length, kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode) > 0 else {
            return "a window of \(dilation * (kernel - 1) + 1) does not fit a length of \(length) padded by \(padding)"
        }
        return nil
    }
}

/// The maximum of each window (`Pool` gives the sizes). Ties go to the first maximum in scan
/// order (row by row), NaN propagates, padding is never the maximum; the gradient flows to the
/// one input each maximum came from (PyTorch's rule).
/// - Precondition: `input` is `[N, C, L]` or `[N, C, H, W]`, one setting per spatial axis, and
///   `Pool.problem` finds none.
public func maxPool(
    _ input: Tensor, kernel: [Int], stride: [Int]? = nil, padding: [Int]? = nil, dilation: [Int]? = nil, ceilMode: Bool = false
) -> Tensor {
    let axes = poolingAxes(
        "maxPool", input, kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode, countingPadding: true)
    return pooledMaximum(input, axes: axes, operation: "maxPool")
}

/// `maxPool` of `relu(input)` in one pass over the input: the maximum of each window, then 0
/// where it is not positive (NaN stays), with the gradient flowing to the input each positive
/// maximum came from and nowhere else, exactly as the two operations give it. The ReLU's output,
/// as large as the input, is never written. `Sequential` uses it for a `ReLU` followed by a
/// `MaxPool` when no one observes the layers' outputs.
/// - Precondition: as `maxPool`.
public func rectifiedMaxPool(
    _ input: Tensor, kernel: [Int], stride: [Int]? = nil, padding: [Int]? = nil, dilation: [Int]? = nil, ceilMode: Bool = false
) -> Tensor {
    let axes = poolingAxes(
        "rectifiedMaxPool", input, kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode,
        countingPadding: true)
    return pooledMaximum(input, axes: axes, operation: "rectifiedMaxPool", rectified: true)
}

/// The mean of each window: the sum over the inputs it covers divided by the window's size
/// clipped to the padded input (`countIncludePad`, PyTorch's default), by the inputs it covers,
/// or by `divisorOverride`. The gradient is shared the same way.
/// - Precondition: as `maxPool`, and a positive `divisorOverride`.
public func averagePool(
    _ input: Tensor, kernel: [Int], stride: [Int]? = nil, padding: [Int]? = nil, ceilMode: Bool = false, countIncludePad: Bool = true,
    divisorOverride: Int? = nil
) -> Tensor {
    precondition((divisorOverride ?? 1) > 0, "averagePool: divisorOverride must be positive, got \(divisorOverride ?? 0)")
    let axes = poolingAxes(
        "averagePool", input, kernel: kernel, stride: stride, padding: padding, dilation: nil, ceilMode: ceilMode,
        countingPadding: countIncludePad)
    return pooledAverage(input, axes: axes, divisorOverride: divisorOverride, operation: "averagePool")
}

/// The mean over adaptive windows giving exactly `outputSize` per spatial axis: output `o` of
/// `O` covers `⌊o·L/O⌋ ..< ⌈(o + 1)·L/O⌉`. `outputSize` 1 on every axis is global average pooling.
public func adaptiveAveragePool(_ input: Tensor, outputSize: [Int]) -> Tensor {
    pooledAverage(input, axes: adaptiveAxes("adaptiveAveragePool", input, outputSize), divisorOverride: nil, operation: "adaptiveAveragePool")
}

/// The maximum over the adaptive windows of `adaptiveAveragePool`, with `maxPool`'s rules.
public func adaptiveMaxPool(_ input: Tensor, outputSize: [Int]) -> Tensor {
    pooledMaximum(input, axes: adaptiveAxes("adaptiveMaxPool", input, outputSize), operation: "adaptiveMaxPool")
}

private func checkPoolingInput(_ operation: String, _ shape: [Int], settings: Int) -> Int {
    precondition(
        (shape.count == 3 || shape.count == 4) && settings == shape.count - 2,
        "\(operation): input \(shape) must be [N, C, L] or [N, C, H, W] with one setting per spatial axis, got \(settings)")
    return shape.count - 2
}

private func poolingAxes(
    _ operation: String, _ input: Tensor, kernel: [Int], stride: [Int]?, padding: [Int]?, dilation: [Int]?, ceilMode: Bool,
    countingPadding: Bool
) -> [PoolingAxis] {
    poolingAxes(
        operation, shape: input.shape, kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode,
        countingPadding: countingPadding)
}

/// The windows along each spatial axis of an input of `shape`, after checking the settings fit it.
func poolingAxes(
    _ operation: String, shape: [Int], kernel: [Int], stride: [Int]?, padding: [Int]?, dilation: [Int]?, ceilMode: Bool,
    countingPadding: Bool
) -> [PoolingAxis] {
    let spatial = checkPoolingInput(operation, shape, settings: kernel.count)
    let stride = stride ?? kernel, padding = padding ?? Array(repeating: 0, count: spatial)
    let dilation = dilation ?? Array(repeating: 1, count: spatial)
    precondition(
        stride.count == spatial && padding.count == spatial && dilation.count == spatial,
        "\(operation): kernel \(kernel), stride \(stride), padding \(padding), dilation \(dilation) need one value per spatial axis")
    return (0..<spatial).map { axis in
        let length = shape[2 + axis]
        if let problem = Pool.problem(
            length: length, kernel: kernel[axis], stride: stride[axis], padding: padding[axis], dilation: dilation[axis], ceilMode: ceilMode)
        {
            preconditionFailure("\(operation): input \(shape), axis \(2 + axis): \(problem)")
        }
        let outputs = Pool.outputLength(
            length: length, kernel: kernel[axis], stride: stride[axis], padding: padding[axis], dilation: dilation[axis], ceilMode: ceilMode)
        return PoolingAxis.sliding(
            length: length, kernel: kernel[axis], stride: stride[axis], padding: padding[axis], dilation: dilation[axis],
            outputs: outputs, countingPadding: countingPadding)
    }
}

private func adaptiveAxes(_ operation: String, _ input: Tensor, _ outputSize: [Int]) -> [PoolingAxis] {
    let spatial = checkPoolingInput(operation, input.shape, settings: outputSize.count)
    precondition(outputSize.allSatisfy { $0 > 0 }, "\(operation): output size \(outputSize) must be positive")
    return (0..<spatial).map { PoolingAxis.adaptive(length: input.shape[2 + $0], outputs: outputSize[$0]) }
}

/// The planes of `input` and the row and column windows (a 1-D input is one row).
private func planeLayout(_ input: Tensor, _ axes: [PoolingAxis]) -> (planes: Int, height: Int, width: Int, rows: PoolingAxis, columns: PoolingAxis) {
    let planes = input.shape[0] * input.shape[1]
    return axes.count == 2
        ? (planes, input.shape[2], input.shape[3], axes[0], axes[1]) : (planes, 1, input.shape[2], PoolingAxis.single, axes[0])
}

/// The maximum of each window and where it came from; `rectified` then applies ReLU to each
/// maximum and forgets where the ones it zeroes came from (ReLU passes no gradient there, nor
/// at NaN).
private func pooledMaximum(_ input: Tensor, axes: [PoolingAxis], operation: String, rectified: Bool = false) -> Tensor {
    let layout = planeLayout(input, axes)
    let outputShape = Array(input.shape.prefix(2)) + axes.map(\.outputs)
    var indices = [Int32](repeating: 0, count: outputShape.reduce(1, *))
    let value = Tensor(unsafeUninitializedShape: outputShape) { output in
        indices.withUnsafeMutableBufferPointer { positions in
            Pooling.maxForward(
                input.storage.base, planes: layout.planes, height: layout.height, width: layout.width, rows: layout.rows,
                columns: layout.columns, output: output.baseAddress!, indices: positions.baseAddress!)
            if rectified { Pooling.rectifyMaxima(output.baseAddress!, indices: positions.baseAddress!, count: output.count) }
        }
    }
    let (inputShape, captured) = (input.shape, indices)
    return Tensor.recording(operation, value: value, inputs: [input]) { g in
        let gradient = Tensor(unsafeUninitializedShape: inputShape) { target in
            captured.withUnsafeBufferPointer { positions in
                Pooling.maxGradient(
                    g.storage.base, indices: positions.baseAddress!, planes: layout.planes, height: layout.height, width: layout.width,
                    rows: layout.rows, columns: layout.columns, into: target.baseAddress!)
            }
        }
        return [gradient]
    }
}

private func pooledAverage(_ input: Tensor, axes: [PoolingAxis], divisorOverride: Int?, operation: String) -> Tensor {
    let layout = planeLayout(input, axes)
    let outputShape = Array(input.shape.prefix(2)) + axes.map(\.outputs)
    let value = Tensor(unsafeUninitializedShape: outputShape) { output in
        Pooling.averageForward(
            input.storage.base, planes: layout.planes, height: layout.height, width: layout.width, rows: layout.rows,
            columns: layout.columns, divisorOverride: divisorOverride, output: output.baseAddress!)
    }
    let inputShape = input.shape
    return Tensor.recording(operation, value: value, inputs: [input]) { g in
        var gradient = Tensor.zeros(inputShape)
        gradient.withUnsafeMutableBufferPointer { target in
            Pooling.averageBackward(
                g.storage.base, planes: layout.planes, height: layout.height, width: layout.width, rows: layout.rows,
                columns: layout.columns, divisorOverride: divisorOverride, into: target.baseAddress!)
        }
        return [gradient]
    }
}
