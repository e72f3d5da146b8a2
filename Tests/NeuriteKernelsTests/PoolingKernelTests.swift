import NeuriteKernels
import Testing

/// The vectorised max-pooling scan (gathers, and two loads and a shuffle for 2-wide stride-2
/// windows) against the scalar scan: the same maxima and the same positions, ties and NaN
/// included, for windows that fit, windows clipped by padding, and rows shorter than a vector.
@Suite("Max-pooling kernels")
struct PoolingKernelTests {
    @Test(arguments: [
        (kernel: 2, stride: 2, padding: 0, dilation: 1, width: 28), (kernel: 2, stride: 2, padding: 0, dilation: 1, width: 14),
        (kernel: 2, stride: 2, padding: 0, dilation: 1, width: 5),
        (kernel: 3, stride: 2, padding: 1, dilation: 1, width: 29), (kernel: 2, stride: 1, padding: 0, dilation: 2, width: 21),
        (kernel: 3, stride: 3, padding: 0, dilation: 1, width: 40),
    ])
    func vectorisedScanMatchesScalarScan(kernel: Int, stride: Int, padding: Int, dilation: Int, width: Int) throws {
        try #require(SIMDLevel.available.contains(.avx2), "the vectorised scan needs AVX2")
        let (planes, height) = (3, 9)
        // Few distinct values, so that most windows hold ties, and a NaN in each plane.
        var input = (0..<(planes * height * width)).map { Float(($0 &* 2_654_435_761) % 5) }
        for plane in 0..<planes { input[plane * height * width + 7 + plane] = .nan }
        let outputs = (height + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1
        let columnOutputs = (width + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1
        let rows = PoolingAxis.sliding(
            length: height, kernel: kernel, stride: stride, padding: padding, dilation: dilation, outputs: outputs, countingPadding: true)
        let columns = PoolingAxis.sliding(
            length: width, kernel: kernel, stride: stride, padding: padding, dilation: dilation, outputs: columnOutputs,
            countingPadding: true)
        func run(_ simd: SIMDLevel) -> ([UInt32], [Int32]) {
            var values = [Float](repeating: 0, count: planes * outputs * columnOutputs)
            var indices = [Int32](repeating: 0, count: values.count)
            input.withUnsafeBufferPointer { source in
                values.withUnsafeMutableBufferPointer { out in
                    indices.withUnsafeMutableBufferPointer { positions in
                        Pooling.maxForward(
                            source.baseAddress!, planes: planes, height: height, width: width, rows: rows, columns: columns,
                            output: out.baseAddress!, indices: positions.baseAddress!, simd: simd)
                    }
                }
            }
            return (values.map(\.bitPattern), indices)
        }
        let (scalar, vector) = (run(.portable), run(.avx2))
        #expect(scalar.0 == vector.0)
        #expect(scalar.1 == vector.1)
        #expect(scalar.1.allSatisfy { $0 >= 0 })
    }
    /// The dense 2×2 gradient against zeroing and adding: the same bits (−0 gradients become +0),
    /// rows and columns outside every window zero, positions of −1 (rectified maxima) dropped;
    /// rows of 14, 7 and 2 windows.
    @Test(arguments: [(height: 8, width: 28), (height: 9, width: 15), (height: 5, width: 4)])
    func denseTwoByTwoGradientMatchesZeroAndAdd(height: Int, width: Int) {
        let planes = 3
        let rows = PoolingAxis.sliding(length: height, kernel: 2, stride: 2, padding: 0, dilation: 1, outputs: height / 2, countingPadding: true)
        let columns = PoolingAxis.sliding(length: width, kernel: 2, stride: 2, padding: 0, dilation: 1, outputs: width / 2, countingPadding: true)
        let outputs = planes * rows.outputs * columns.outputs
        let gradient: [Float] = (0..<outputs).map { $0 % 4 == 1 ? -0.0 : Float($0 % 7) - 3 }
        let indices: [Int32] = (0..<outputs).map { out in
            let (r, c) = ((out / columns.outputs) % rows.outputs, out % columns.outputs)
            if out % 5 == 2 { return -1 }
            return Int32((2 * r + (out / 3) % 2) * width + 2 * c + out % 2)
        }
        var added = [Float](repeating: 0, count: planes * height * width)
        Pooling.maxBackward(gradient, indices: indices, planes: planes, planeSize: height * width, outputPlane: outputs / planes, into: &added)
        // On two threads each call has its own planes: rows of fewer than eight windows written
        // with whole vectors must not reach into the other's.
        for simd in SIMDLevel.available {
            for threads in [1, 2] {
                var dense = [Float](repeating: .nan, count: planes * height * width)
                Pooling.maxGradient(
                    gradient, indices: indices, planes: planes, height: height, width: width, rows: rows, columns: columns,
                    into: &dense, threads: threads, simd: simd)
                #expect(dense.map(\.bitPattern) == added.map(\.bitPattern), "\(simd), \(threads) threads")
            }
        }
    }
}
