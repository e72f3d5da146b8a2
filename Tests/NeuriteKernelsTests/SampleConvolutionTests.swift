import NeuriteKernels
import Testing

/// The sample-at-a-time convolution against the products over the whole batch (`Im2Col` and
/// `Gemm`): the forward pass and the input gradient bit for bit, the weight gradient (summed in
/// another grouping) within rounding, and every result the same on any thread count.
@Suite("Sample-at-a-time convolution")
struct SampleConvolutionTests {
    /// A batch of 19 (more than `weightGradientChunks` allows, so chunks hold several samples),
    /// stride 2 with asymmetric padding and dilation, and a batch of one.
    static let cases: [WindowGeometry] = [
        WindowGeometry(
            batch: 19, channels: 5, height: 9, width: 11, kernelHeight: 3, kernelWidth: 3, strideY: 1, strideX: 1,
            dilationY: 1, dilationX: 1, padTop: 1, padLeft: 1, outputHeight: 9, outputWidth: 11),
        WindowGeometry(
            batch: 3, channels: 4, height: 10, width: 9, kernelHeight: 3, kernelWidth: 2, strideY: 2, strideX: 2,
            dilationY: 1, dilationX: 2, padTop: 2, padLeft: 0, outputHeight: 6, outputWidth: 4),
        WindowGeometry(
            batch: 1, channels: 6, height: 7, width: 7, kernelHeight: 3, kernelWidth: 3, strideY: 1, strideX: 1,
            dilationY: 1, dilationX: 1, padTop: 1, padLeft: 1, outputHeight: 7, outputWidth: 7),
    ]

    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float((($0 &+ seed &* 7919) &* 2_654_435_761) % 1999) / 1000 - 1 }
    }

    struct Results: Equatable {
        var output: [Float], inputGradient: [Float], weightGradient: [Float]
    }

    /// Forward, input gradient and weight gradient by the products over the whole batch, which
    /// hold the batch's outputs channel-major (`[O, N·P]`).
    static func wholeBatch(_ g: WindowGeometry, outChannels: Int, input: [Float], weight: [Float], bias: [Float], upstream: [Float]) -> Results {
        let (o, depth, p) = (outChannels, g.channels * g.kernelArea, g.outputPlaneSize)
        let positions = g.batch * p
        var columns = [Float](repeating: 0, count: depth * positions)
        var product = [Float](repeating: 0, count: o * positions)
        var channelMajorUpstream = [Float](repeating: 0, count: o * positions)
        for n in 0..<g.batch {
            for c in 0..<o {
                for q in 0..<p { channelMajorUpstream[c * positions + n * p + q] = upstream[(n * o + c) * p + q] }
            }
        }
        var results = Results(
            output: [Float](repeating: 0, count: o * positions), inputGradient: [Float](repeating: 0, count: input.count),
            weightGradient: [Float](repeating: 0, count: o * depth))
        Im2Col.unfold(input, g, channels: 0..<g.channels, into: &columns, threads: 1)
        Gemm.multiply(
            transposeA: false, transposeB: false, m: o, n: positions, k: depth, alpha: 1, a: weight, lda: depth, b: columns,
            ldb: positions, beta: 0, c: &product, ldc: positions, threads: 1)
        for n in 0..<g.batch {
            for c in 0..<o {
                for q in 0..<p { results.output[(n * o + c) * p + q] = product[c * positions + n * p + q] + bias[c] }
            }
        }
        Gemm.multiply(
            transposeA: false, transposeB: true, m: o, n: depth, k: positions, alpha: 1, a: channelMajorUpstream, lda: positions,
            b: columns, ldb: positions, beta: 0, c: &results.weightGradient, ldc: depth, threads: 1)
        var gradientColumns = [Float](repeating: 0, count: depth * positions)
        Gemm.multiply(
            transposeA: true, transposeB: false, m: depth, n: positions, k: o, alpha: 1, a: weight, lda: depth,
            b: channelMajorUpstream, ldb: positions, beta: 0, c: &gradientColumns, ldc: positions, threads: 1)
        Im2Col.fold(gradientColumns, g, channels: 0..<g.channels, accumulatingInto: &results.inputGradient, threads: 1)
        return results
    }

    static func bySample(
        _ g: WindowGeometry, outChannels: Int, input: [Float], weight: [Float], bias: [Float], upstream: [Float], threads: Int
    ) -> Results {
        var results = Results(
            output: [Float](repeating: 0, count: upstream.count), inputGradient: [Float](repeating: 0, count: input.count),
            weightGradient: [Float](repeating: 0, count: weight.count))
        SampleConvolution.forward(input, g, weight: weight, outChannels: outChannels, bias: bias, into: &results.output, threads: threads)
        SampleConvolution.inputGradient(
            upstream, g, weight: weight, outChannels: outChannels, accumulatingInto: &results.inputGradient, threads: threads)
        SampleConvolution.weightGradient(
            upstream, input: input, g, outChannels: outChannels, into: &results.weightGradient, threads: threads)
        return results
    }

    /// 7 output channels, and 20 (more than the GEMM's skinny limit of 16), whose weight gradient
    /// is computed transposed.
    @Test(arguments: cases, [7, 20])
    func matchesTheWholeBatchProducts(geometry g: WindowGeometry, outChannels: Int) {
        let depth = g.channels * g.kernelArea
        let input = Self.values(g.batch * g.channels * g.planeSize, seed: 1)
        let weight = Self.values(outChannels * depth, seed: 2)
        let bias = Self.values(outChannels, seed: 3)
        let upstream = Self.values(g.batch * outChannels * g.outputPlaneSize, seed: 4)
        let expected = Self.wholeBatch(g, outChannels: outChannels, input: input, weight: weight, bias: bias, upstream: upstream)
        let one = Self.bySample(g, outChannels: outChannels, input: input, weight: weight, bias: bias, upstream: upstream, threads: 1)
        #expect(one.output.map(\.bitPattern) == expected.output.map(\.bitPattern))
        #expect(one.inputGradient.map(\.bitPattern) == expected.inputGradient.map(\.bitPattern))
        for (got, want) in zip(one.weightGradient, expected.weightGradient) {
            #expect(abs(got - want) <= 1e-5 * Float(g.batch * g.outputPlaneSize), "weight gradient \(got) against \(want)")
        }
        for threads in [2, 3] {
            let other = Self.bySample(g, outChannels: outChannels, input: input, weight: weight, bias: bias, upstream: upstream, threads: threads)
            #expect(other.output.map(\.bitPattern) == one.output.map(\.bitPattern), "\(threads) threads")
            #expect(other.inputGradient.map(\.bitPattern) == one.inputGradient.map(\.bitPattern), "\(threads) threads")
            #expect(other.weightGradient.map(\.bitPattern) == one.weightGradient.map(\.bitPattern), "\(threads) threads")
        }
    }
    /// The unfolded matrix against its definition, for every case and for "same" padding with
    /// dilated rows, a 5×5 kernel and rows padded beyond the kernel (where the unfold copies shifted
    /// planes).
    @Test(
        arguments: cases + [
            WindowGeometry(
                batch: 2, channels: 3, height: 8, width: 6, kernelHeight: 3, kernelWidth: 5, strideY: 1, strideX: 1,
                dilationY: 2, dilationX: 1, padTop: 2, padLeft: 2, outputHeight: 8, outputWidth: 6),
            WindowGeometry(
                batch: 2, channels: 2, height: 3, width: 4, kernelHeight: 5, kernelWidth: 5, strideY: 1, strideX: 1,
                dilationY: 1, dilationX: 1, padTop: 2, padLeft: 2, outputHeight: 3, outputWidth: 4),
            // Rows padded by more than the kernel reaches: whole rows of zeros.
            WindowGeometry(
                batch: 1, channels: 2, height: 2, width: 5, kernelHeight: 3, kernelWidth: 3, strideY: 1, strideX: 1,
                dilationY: 1, dilationX: 1, padTop: 6, padLeft: 1, outputHeight: 12, outputWidth: 5),
        ])
    func unfoldMatchesTheDefinition(geometry g: WindowGeometry) {
        let input = Self.values(g.batch * g.channels * g.planeSize, seed: 5)
        let (depth, positions) = (g.channels * g.kernelArea, g.batch * g.outputPlaneSize)
        var columns = [Float](repeating: .nan, count: depth * positions)
        Im2Col.unfold(input, g, channels: 0..<g.channels, into: &columns, threads: 1)
        var expected = [Float](repeating: 0, count: depth * positions)
        for c in 0..<g.channels {
            for i in 0..<g.kernelHeight {
                for j in 0..<g.kernelWidth {
                    for n in 0..<g.batch {
                        for y in 0..<g.outputHeight {
                            for x in 0..<g.outputWidth {
                                let (row, column) = (y * g.strideY - g.padTop + i * g.dilationY, x * g.strideX - g.padLeft + j * g.dilationX)
                                let inside = row >= 0 && row < g.height && column >= 0 && column < g.width
                                expected[((c * g.kernelHeight + i) * g.kernelWidth + j) * positions + (n * g.outputHeight + y) * g.outputWidth + x] =
                                    inside ? input[((n * g.channels + c) * g.height + row) * g.width + column] : 0
                            }
                        }
                    }
                }
            }
        }
        #expect(columns.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
