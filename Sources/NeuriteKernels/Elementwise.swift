import CNeuriteSIMD

/// Elementwise kernels over raw buffers. Outputs are contiguous; inputs are read through a
/// `StridedLayout`, so broadcasting, transposition and slicing need no materialised copies.
public enum Elementwise {
    /// `output[i] = body(input[i])` for `count` contiguous elements.
    @inlinable
    public static func map(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int,
        _ body: (Float) -> Float
    ) {
        for i in 0..<count { output[i] = body(input[i]) }
    }

    /// `output[i] = body(a[i], b[i])` for `count` contiguous elements.
    @inlinable
    public static func zip(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
        count: Int, _ body: (Float, Float) -> Float
    ) {
        for i in 0..<count { output[i] = body(a[i], b[i]) }
    }

    /// Copies `input`, read through `strides` over `shape`, into the contiguous `output`.
    /// Strides may be zero (broadcast), permuted (transpose) or larger than contiguous (slices).
    @inlinable
    public static func stridedCopy(
        _ input: UnsafePointer<Float>, strides: [Int], shape: [Int], into output: UnsafeMutablePointer<Float>
    ) {
        let layout = StridedLayout(shape: shape, operandStrides: [strides])
        var position = 0
        layout.forEachRun { offsets, n, innerStrides in
            let source = input + offsets[0]
            let destination = output + position
            let step = innerStrides[0]
            if step == 1 {
                destination.update(from: source, count: n)
            } else if step == 0 {
                destination.update(repeating: source.pointee, count: n)
            } else {
                for j in 0..<n { destination[j] = source[j * step] }
            }
            position += n
        }
    }

    /// Transposes `count` row-major `rows × columns` matrices stored one after another, in 8×8
    /// blocks (register transposes with AVX2), so reads and writes both stay within cache lines.
    public static func transposeMatrices(
        _ input: UnsafePointer<Float>, count: Int, rows: Int, columns: Int, into output: UnsafeMutablePointer<Float>,
        simd: SIMDLevel = .detected
    ) {
        let transpose = simd == .avx2 ? neurite_transpose_avx2 : neurite_transpose_portable
        for matrix in 0..<count {
            transpose(input + matrix * rows * columns, rows, columns, output + matrix * rows * columns)
        }
    }

    /// `output[index] = body(a[index], b[index])` over `shape`, reading `a` and `b` through their
    /// broadcast strides (0 along broadcast axes). `output` is contiguous.
    @inlinable @inline(__always)
    public static func broadcastZip(
        _ a: UnsafePointer<Float>, strides stridesA: [Int],
        _ b: UnsafePointer<Float>, strides stridesB: [Int],
        shape: [Int], into output: UnsafeMutablePointer<Float>,
        _ body: (Float, Float) -> Float
    ) {
        let layout = StridedLayout(shape: shape, operandStrides: [stridesA, stridesB])
        var position = 0
        layout.forEachRun { offsets, n, innerStrides in
            let x = a + offsets[0], y = b + offsets[1], out = output + position
            switch (innerStrides[0], innerStrides[1]) {
            case (1, 1): for j in 0..<n { out[j] = body(x[j], y[j]) }
            case (1, 0):
                let v = y.pointee
                for j in 0..<n { out[j] = body(x[j], v) }
            case (0, 1):
                let v = x.pointee
                for j in 0..<n { out[j] = body(v, y[j]) }
            case (let sx, let sy): for j in 0..<n { out[j] = body(x[j * sx], y[j * sy]) }
            }
            position += n
        }
    }
}
