import NeuriteKernels

extension Tensor {
    /// Every window of shape `size` over the trailing `size.count` axes, moved by `strides` and
    /// with taps `dilation` apart: `[…, L₁ … Lₖ] → […, o₁ … oₖ, size₁ … sizeₖ]` with
    /// `oᵢ = ⌊(Lᵢ − dilationᵢ·(sizeᵢ − 1) − 1) / stridesᵢ⌋ + 1`, and
    /// `result[…, o, w] = self[…, o·strides + w·dilation]`. For images `[N, C, H, W]` and a
    /// `kh × kw` kernel this is `[N, C, oh, ow, kh, kw]`, the view that convolution and pooling are
    /// built on (pad first with `padded` for `same` outputs). Strides and dilation default to 1.
    /// Copies (NumPy's `sliding_window_view` shares memory; every Neurite tensor is contiguous).
    ///
    /// Derivative: the windows' gradients added back where they were read, so an element that
    /// appears in several overlapping windows receives the sum.
    /// - Precondition: positive sizes, strides and dilations, and windows that fit the input.
    public func slidingWindows(size: [Int], strides: [Int]? = nil, dilation: [Int]? = nil) -> Tensor {
        let strides = strides ?? Array(repeating: 1, count: size.count)
        let dilation = dilation ?? Array(repeating: 1, count: size.count)
        let k = size.count
        precondition(k >= 1 && k <= rank, "slidingWindows: window \(size) for a tensor of shape \(shape)")
        precondition(
            strides.count == k && dilation.count == k,
            "slidingWindows: window \(size), strides \(strides) and dilation \(dilation) must have one value per windowed axis")
        precondition(
            (size + strides + dilation).allSatisfy { $0 > 0 },
            "slidingWindows: window \(size), strides \(strides) and dilation \(dilation) must be positive")
        let windowed = Array(shape.suffix(k))
        let spans = (0..<k).map { dilation[$0] * (size[$0] - 1) + 1 }
        precondition(
            zip(spans, windowed).allSatisfy { $0 <= $1 },
            "slidingWindows: window \(size) with dilation \(dilation) spans \(spans), larger than the input's \(windowed) (shape \(shape))")
        let counts = (0..<k).map { (windowed[$0] - spans[$0]) / strides[$0] + 1 }
        let leading = rank - k
        let own = contiguousStrides(of: shape)
        let trailing = Array(own.suffix(k))
        let viewShape = Array(shape[..<leading]) + counts + size
        let viewStrides = Array(own[..<leading]) + (0..<k).map { trailing[$0] * strides[$0] } + (0..<k).map { trailing[$0] * dilation[$0] }
        let value = Tensor(unsafeUninitializedShape: viewShape) { output in
            Elementwise.stridedCopy(storage.base, strides: viewStrides, shape: viewShape, into: output.baseAddress!)
        }
        let inputShape = shape
        return Tensor.recording("slidingWindows", value: value, inputs: [self]) { g in
            var gradient = Tensor.zeros(inputShape)
            gradient.withUnsafeMutableBufferPointer { buffer in
                let (target, upstream) = (buffer.baseAddress!, g.storage.base)
                var position = 0
                StridedLayout(shape: viewShape, operandStrides: [viewStrides]).forEachRun { offsets, n, innerStrides in
                    for j in 0..<n { target[offsets[0] + j * innerStrides[0]] += upstream[position + j] }
                    position += n
                }
            }
            return [gradient]
        }
    }
}
