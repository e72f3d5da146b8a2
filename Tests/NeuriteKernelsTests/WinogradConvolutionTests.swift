import NeuriteKernels
import Testing

/// Winograd's F(2×2, 3×3) against the convolution's definition summed in double precision: the
/// forward pass, the input gradient and the weight gradient, within 10⁻⁵ of the sum of the terms' magnitudes (the
/// transforms change the rounding, not the result), on both SIMD levels, and the same bits for
/// any thread count.
@Suite("Winograd convolution")
struct WinogradConvolutionTests {
    /// "Same" padding on an even plane; odd sizes (a last tile half outside); no padding; padding 2
    /// (bigger outputs); batches past one group of samples and rows of 8 tiles; asymmetric padding.
    static let cases: [(WindowGeometry, outChannels: Int)] = [
        (geometry(batch: 3, channels: 8, height: 6, width: 14, padTop: 1, padLeft: 1, bottom: 1, right: 1), 9),
        (geometry(batch: 2, channels: 9, height: 7, width: 13, padTop: 1, padLeft: 1, bottom: 1, right: 1), 8),
        (geometry(batch: 2, channels: 8, height: 9, width: 16, padTop: 0, padLeft: 0, bottom: 0, right: 0), 10),
        (geometry(batch: 1, channels: 10, height: 4, width: 12, padTop: 2, padLeft: 2, bottom: 2, right: 2), 8),
        (geometry(batch: 70, channels: 16, height: 5, width: 16, padTop: 1, padLeft: 1, bottom: 1, right: 1), 12),
        (geometry(batch: 2, channels: 8, height: 6, width: 14, padTop: 0, padLeft: 2, bottom: 1, right: 0), 8),
    ]

    static func geometry(batch: Int, channels: Int, height: Int, width: Int, padTop: Int, padLeft: Int, bottom: Int, right: Int)
        -> WindowGeometry
    {
        WindowGeometry(
            batch: batch, channels: channels, height: height, width: width, kernelHeight: 3, kernelWidth: 3, strideY: 1, strideX: 1,
            dilationY: 1, dilationX: 1, padTop: padTop, padLeft: padLeft, outputHeight: height + padTop + bottom - 2,
            outputWidth: width + padLeft + right - 2)
    }

    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float((($0 &+ seed &* 7919) &* 2_654_435_761) % 1999) / 1000 - 1 }
    }

    /// The definition in double precision: each output (or input-gradient) element, and the sum of
    /// its terms' magnitudes.
    static func reference(_ g: WindowGeometry, outChannels o: Int, input: [Float], weight: [Float], bias: [Float], upstream: [Float])
        -> (output: [(Double, Double)], inputGradient: [(Double, Double)], weightGradient: [(Double, Double)])
    {
        var output = [(Double, Double)](repeating: (0, 0), count: g.batch * o * g.outputPlaneSize)
        var inputGradient = [(Double, Double)](repeating: (0, 0), count: input.count)
        var weightGradient = [(Double, Double)](repeating: (0, 0), count: weight.count)
        for n in 0..<g.batch {
            for k in 0..<o {
                for y in 0..<g.outputHeight {
                    for x in 0..<g.outputWidth {
                        let at = ((n * o + k) * g.outputHeight + y) * g.outputWidth + x
                        var (sum, magnitude) = (Double(bias[k]), abs(Double(bias[k])))
                        for c in 0..<g.channels {
                            for i in 0..<3 {
                                for j in 0..<3 {
                                    let (row, column) = (y + i - g.padTop, x + j - g.padLeft)
                                    guard row >= 0, row < g.height, column >= 0, column < g.width else { continue }
                                    let source = ((n * g.channels + c) * g.height + row) * g.width + column
                                    let tap = ((k * g.channels + c) * 3 + i) * 3 + j
                                    let w = Double(weight[tap])
                                    weightGradient[tap].0 += Double(upstream[at]) * Double(input[source])
                                    weightGradient[tap].1 += abs(Double(upstream[at]) * Double(input[source]))
                                    sum += w * Double(input[source])
                                    magnitude += abs(w * Double(input[source]))
                                    inputGradient[source].0 += w * Double(upstream[at])
                                    inputGradient[source].1 += abs(w * Double(upstream[at]))
                                }
                            }
                        }
                        output[at] = (sum, magnitude)
                    }
                }
            }
        }
        return (output, inputGradient, weightGradient)
    }

    static func run(
        _ g: WindowGeometry, outChannels: Int, input: [Float], weight: [Float], bias: [Float], upstream: [Float], threads: Int,
        simd: SIMDLevel
    ) -> (output: [Float], inputGradient: [Float], weightGradient: [Float]) {
        var output = [Float](repeating: .nan, count: g.batch * outChannels * g.outputPlaneSize)
        // Accumulated into: start from ones, to see that it adds.
        var inputGradient = [Float](repeating: 1, count: input.count)
        WinogradConvolution.forward(
            input, g, weight: weight, outChannels: outChannels, bias: bias, into: &output, threads: threads, simd: simd)
        WinogradConvolution.inputGradient(
            upstream, g, weight: weight, outChannels: outChannels, accumulatingInto: &inputGradient, threads: threads, simd: simd)
        var weightGradient = [Float](repeating: .nan, count: weight.count)
        WinogradConvolution.weightGradient(
            upstream, input: input, g, outChannels: outChannels, into: &weightGradient, threads: threads, simd: simd)
        return (output, inputGradient.map { $0 - 1 }, weightGradient)
    }

    @Test(arguments: 0..<cases.count)
    func matchesTheDefinition(index: Int) {
        let (g, outChannels) = Self.cases[index]
        #expect(WinogradConvolution.applies(to: g, outChannels: outChannels))
        let input = Self.values(g.batch * g.channels * g.planeSize, seed: 1)
        let weight = Self.values(outChannels * g.channels * 9, seed: 2)
        let bias = Self.values(outChannels, seed: 3)
        let upstream = Self.values(g.batch * outChannels * g.outputPlaneSize, seed: 4)
        let expected = Self.reference(g, outChannels: outChannels, input: input, weight: weight, bias: bias, upstream: upstream)
        for simd in SIMDLevel.available {
            let one = Self.run(g, outChannels: outChannels, input: input, weight: weight, bias: bias, upstream: upstream, threads: 1, simd: simd)
            for (got, (want, magnitude)) in zip(one.output, expected.output) {
                #expect(abs(Double(got) - want) <= 1e-5 * magnitude + 1e-6, "output \(got) against \(want), \(simd)")
            }
            // The input gradient accumulates onto ones, which costs an ulp of 1.
            for (got, (want, magnitude)) in zip(one.inputGradient, expected.inputGradient) {
                #expect(abs(Double(got) - want) <= 1e-5 * magnitude + 3e-7, "input gradient \(got) against \(want), \(simd)")
            }
            for (got, (want, magnitude)) in zip(one.weightGradient, expected.weightGradient) {
                #expect(abs(Double(got) - want) <= 1e-5 * magnitude + 1e-6, "weight gradient \(got) against \(want), \(simd)")
            }
            for threads in [2, 3] {
                let other = Self.run(
                    g, outChannels: outChannels, input: input, weight: weight, bias: bias, upstream: upstream, threads: threads, simd: simd)
                #expect(other.output.map(\.bitPattern) == one.output.map(\.bitPattern), "\(threads) threads, \(simd)")
                #expect(other.inputGradient.map(\.bitPattern) == one.inputGradient.map(\.bitPattern), "\(threads) threads, \(simd)")
                #expect(other.weightGradient.map(\.bitPattern) == one.weightGradient.map(\.bitPattern), "\(threads) threads, \(simd)")
            }
        }
    }

    @Test func appliesToThreeByThreeKernelsWithStrideOneOnly() {
        let same = Self.geometry(batch: 1, channels: 8, height: 6, width: 14, padTop: 1, padLeft: 1, bottom: 1, right: 1)
        #expect(WinogradConvolution.applies(to: same, outChannels: 8))
        #expect(!WinogradConvolution.applies(to: same, outChannels: 4), "too few output channels")
        var strided = same
        (strided.strideY, strided.strideX, strided.outputHeight, strided.outputWidth) = (2, 2, 3, 3)
        #expect(!WinogradConvolution.applies(to: strided, outChannels: 8))
        var dilated = same
        (dilated.dilationY, dilated.outputHeight) = (2, 4)
        #expect(!WinogradConvolution.applies(to: dilated, outChannels: 8))
        var wide = same
        (wide.padTop, wide.outputHeight) = (3, 8)
        #expect(!WinogradConvolution.applies(to: wide, outChannels: 8), "padding past 2 leaves the input gradient no padding")
        let narrow = Self.geometry(batch: 1, channels: 8, height: 6, width: 6, padTop: 1, padLeft: 1, bottom: 1, right: 1)
        #expect(!WinogradConvolution.applies(to: narrow, outChannels: 8), "3 tiles a row would waste 5 of 8 slots")
        var few = same
        few.channels = 3
        #expect(!WinogradConvolution.applies(to: few, outChannels: 8))
    }
}
