import CNeuriteSIMD

/// 3×3 convolutions with stride 1 by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray,
/// 2016): the output in 2×2 tiles, each from a 4×4 input tile, with 16 multiplications per tile
/// and channel pair instead of 36 — 2.25 times fewer in the products that dominate a
/// convolutional network's step.
///
/// Per tile, `Y = Aᵀ [Σ_c U_c ⊙ V_c] A` with `U_c = G g_c Gᵀ` (the transformed 3×3 kernel) and
/// `V_c = Bᵀ d_c B` (the transformed 4×4 input patch); the sum over channels is, for each of the
/// 16 elements ξ of a transformed tile, the matrix product `M[ξ] = U[ξ] · V[ξ]` (`[O × C]` by
/// `[C × tiles]`), run by `Gemm` on a few samples' tiles at a time so that `V` and `M` stay in the
/// cache. The transforms are in winograd.c.
///
/// The input gradient of such a convolution is a convolution of the same kind: the upstream
/// gradient, padded by `2 − pad`, with the kernel flipped and its channel axes swapped.
///
/// Accuracy: the transforms add and subtract (and halve) values, so results differ from the direct
/// sum by rounding — a few units in the last place of the largest terms, 10⁻⁶ relative in
/// practice (tests bound it against a double-precision reference). Every output element is
/// computed with the same arithmetic whatever the batch size or thread count, so results are
/// identical across thread counts.
public enum WinogradConvolution {
    /// Whether a convolution of `geometry` into `outChannels` channels is computed here: a 3×3
    /// kernel, stride 1, dilation 1, padding of at most 2 before each axis (the input gradient
    /// pads by `2 − pad`), at least 8 input and output channels (fewer make products too small
    /// to gain from; a first layer takes the direct path), and rows of tiles that waste at most
    /// an eighth of their 8-tile vectors (14, 16, 28, 32, 56 columns… but not 12).
    public static func applies(to geometry: WindowGeometry, outChannels: Int) -> Bool {
        geometry.kernelHeight == 3 && geometry.kernelWidth == 3 && geometry.strideY == 1 && geometry.strideX == 1
            && geometry.dilationY == 1 && geometry.dilationX == 1 && (0...2).contains(geometry.padTop)
            && (0...2).contains(geometry.padLeft) && geometry.channels >= 8 && outChannels >= 8
            && 8 * (slots(tilesX: (geometry.outputWidth + 1) / 2) - (geometry.outputWidth + 1) / 2) <= slots(tilesX: (geometry.outputWidth + 1) / 2)
    }

    /// `output[n, o] = Σ_c weight[o, c] ⋆ input[n, c] + bias[o]` (cross-correlation, as PyTorch).
    /// - Parameters:
    ///   - input: `[N, C, H, W]` as `geometry` describes it (`applies(to:outChannels:)` holds).
    ///   - weight: `[O, C, 3, 3]`.
    ///   - output: `[N, O, oh, ow]`, overwritten.
    public static func forward(
        _ input: UnsafePointer<Float>, _ geometry: WindowGeometry, weight: UnsafePointer<Float>, outChannels: Int,
        bias: UnsafePointer<Float>?, into output: UnsafeMutablePointer<Float>, threads: Int = Threading.maximumThreads,
        simd: SIMDLevel = .detected
    ) {
        precondition(applies(to: geometry, outChannels: outChannels), "WinogradConvolution: \(geometry) is not a 3×3 convolution with stride 1")
        let transformed = transformedWeight(weight, outChannels: outChannels, channels: geometry.channels, forInputGradient: false, simd: simd)
        run(
            Problem(geometry, outChannels: outChannels), input: input, weights: transformed, bias: bias, accumulate: false, output: output,
            threads: threads, simd: simd)
    }

    /// `∂input[n] += Σ_o flip(weight[o, c]) ⋆ gradient[n, o]` padded by `2 − pad`: the input
    /// gradient of `forward`.
    /// - Parameters:
    ///   - gradient: `[N, O, oh, ow]`.
    ///   - weight: `[O, C, 3, 3]`.
    ///   - inputGradient: `[N, C, H, W]`, accumulated into.
    public static func inputGradient(
        _ gradient: UnsafePointer<Float>, _ geometry: WindowGeometry, weight: UnsafePointer<Float>, outChannels: Int,
        accumulatingInto inputGradient: UnsafeMutablePointer<Float>, threads: Int = Threading.maximumThreads,
        simd: SIMDLevel = .detected
    ) {
        precondition(applies(to: geometry, outChannels: outChannels), "WinogradConvolution: \(geometry) is not a 3×3 convolution with stride 1")
        let transformed = transformedWeight(weight, outChannels: outChannels, channels: geometry.channels, forInputGradient: true, simd: simd)
        run(
            Problem(
                batch: geometry.batch, channels: outChannels, height: geometry.outputHeight, width: geometry.outputWidth,
                padTop: 2 - geometry.padTop, padLeft: 2 - geometry.padLeft, outChannels: geometry.channels,
                outputHeight: geometry.height, outputWidth: geometry.width),
            input: gradient, weights: transformed, bias: nil, accumulate: true, output: inputGradient, threads: threads, simd: simd)
    }

    /// `∂weight[o, c] = Σₙ gradient[n, o] ⋆ input[n, c]`, `[O, C, 3, 3]`, overwritten: per
    /// element ξ, `∂U[ξ] = Σ_tiles (A ∂Y Aᵀ)[ξ] · V[ξ]ᵀ` (an `[O × tiles]` by `[tiles × C]`
    /// product), then `∂g = Gᵀ ∂U G`. The samples are summed in the fixed chunks of
    /// `SampleConvolution.weightGradientChunks` (each chunk by one thread, the chunks in order),
    /// so the result is the same for any thread count.
    public static func weightGradient(
        _ gradient: UnsafePointer<Float>, input: UnsafePointer<Float>, _ geometry: WindowGeometry, outChannels: Int,
        into weightGradient: UnsafeMutablePointer<Float>, threads: Int = Threading.maximumThreads, simd: SIMDLevel = .detected
    ) {
        precondition(applies(to: geometry, outChannels: outChannels), "WinogradConvolution: \(geometry) is not a 3×3 convolution with stride 1")
        let problem = Problem(geometry, outChannels: outChannels)
        let (tilesY, tilesX) = (problem.tilesY, problem.tilesX)
        let tilesPerSample = tilesY * slots(tilesX: tilesX)
        let perGroup = samplesPerGroup(problem)
        let chunks = SampleConvolution.weightGradientChunks(batch: problem.batch)
        let maximumTiles = perGroup * tilesPerSample
        let transformedCount = 16 * staggered(PanelMajor.count(rows: problem.channels, columns: maximumTiles))
        let gradientCount = 16 * staggered(outChannels * maximumTiles)
        let planeCount = neurite_winograd_scratch_count(tilesY, tilesX)
        let inputSize = problem.channels * problem.height * problem.width
        let outputSize = outChannels * geometry.outputPlaneSize
        let size = 16 * outChannels * problem.channels
        let partials = BufferCache.shared.allocate(count: chunks * size)
        defer { BufferCache.shared.deallocate(partials, count: chunks * size) }
        let inputTransform = simd == .avx2 ? neurite_winograd_input_avx2 : neurite_winograd_input_portable
        let gradientTransform = simd == .avx2 ? neurite_winograd_gradient_avx2 : neurite_winograd_gradient_portable
        let (source, upstream, spare) = (UncheckedSendable(input), UncheckedSendable(gradient), UncheckedSendable(partials))
        Parallel.forEachRange(chunks, threads: min(threads, chunks)) { range in
            ScratchBuffers.with(count: transformedCount + gradientCount + planeCount) { scratch in
                let (transformed, gradients, plane) = (scratch, scratch + transformedCount, scratch + transformedCount + gradientCount)
                for chunk in range {
                    let sum = spare.value + chunk * size
                    let (chunkStart, chunkEnd) = (problem.batch * chunk / chunks, problem.batch * (chunk + 1) / chunks)
                    for first in stride(from: chunkStart, to: chunkEnd, by: perGroup) {
                        let samples = min(perGroup, chunkEnd - first)
                        let tiles = samples * tilesPerSample
                        let matrixStride = staggered(PanelMajor.count(rows: problem.channels, columns: tiles))
                        let gradientStride = staggered(outChannels * tiles)
                        for s in 0..<samples {
                            inputTransform(
                                source.value + (first + s) * inputSize, problem.channels, problem.height, problem.width, problem.padTop,
                                problem.padLeft, tilesY, tilesX, plane, transformed, matrixStride, s * tilesPerSample)
                            gradientTransform(
                                upstream.value + (first + s) * outputSize, outChannels, geometry.outputHeight, geometry.outputWidth,
                                tilesY, tilesX, plane, gradients, gradientStride, tiles, s * tilesPerSample)
                        }
                        for xi in 0..<16 {
                            Gemm.multiply(
                                transposeA: false, transposeB: true, m: outChannels, n: problem.channels, k: tiles, alpha: 1,
                                a: gradients + xi * gradientStride, lda: tiles, panelMajorB: transformed + xi * matrixStride,
                                beta: first == chunkStart ? 0 : 1, c: sum + xi * outChannels * problem.channels, ldc: problem.channels,
                                threads: 1, simd: simd)
                        }
                    }
                }
            }
        }
        // The chunks added in order, then ∂g = Gᵀ ∂U G for every (o, c).
        for chunk in 1..<max(chunks, 1) {
            for at in 0..<size { partials[at] += partials[chunk * size + at] }
        }
        let pairs = outChannels * problem.channels
        // Gᵀ's rows of one pair, reused for every pair (no allocation per pair).
        let rows = UnsafeMutablePointer<Float>.allocate(capacity: 12)
        defer { rows.deallocate() }
        for pair in 0..<pairs {
            // ∂U[ξ] of this pair is partials[ξ · pairs + pair].
            func u(_ xi: Int) -> Float { partials[xi * pairs + pair] }
            // Gᵀ on the rows: (u0, u1, u2, u3) → (u0 + ½(u1 + u2), ½(u1 − u2), ½(u1 + u2) + u3).
            for l in 0..<4 {
                let (u0, u1, u2, u3) = (u(l), u(4 + l), u(8 + l), u(12 + l))
                rows[l] = u0 + 0.5 * (u1 + u2)
                rows[4 + l] = 0.5 * (u1 - u2)
                rows[8 + l] = 0.5 * (u1 + u2) + u3
            }
            let target = weightGradient + pair * 9
            for i in 0..<3 {
                let (u0, u1, u2, u3) = (rows[4 * i], rows[4 * i + 1], rows[4 * i + 2], rows[4 * i + 3])
                target[3 * i] = u0 + 0.5 * (u1 + u2)
                target[3 * i + 1] = 0.5 * (u1 - u2)
                target[3 * i + 2] = 0.5 * (u1 + u2) + u3
            }
        }
    }

    /// One convolution of the kind both directions reduce to.
    struct Problem {
        let batch: Int, channels: Int, height: Int, width: Int, padTop: Int, padLeft: Int
        let outChannels: Int, outputHeight: Int, outputWidth: Int

        var tilesY: Int { (outputHeight + 1) / 2 }
        var tilesX: Int { (outputWidth + 1) / 2 }
    }

    /// The 16 matrices `U[ξ]` (`[O × C]`, or `[C × O]` of the flipped kernel for the input
    /// gradient), each packed for the GEMM. `U = G g Gᵀ` with `G` as in winograd.c.
    static func transformedWeight(
        _ weight: UnsafePointer<Float>, outChannels: Int, channels: Int, forInputGradient: Bool, simd: SIMDLevel
    ) -> [PackedA] {
        let (rows, depth) = forInputGradient ? (channels, outChannels) : (outChannels, channels)
        let matrices = UnsafeMutablePointer<Float>.allocate(capacity: 16 * rows * depth)
        // G g of one pair, four rows of three, reused for every pair (no allocation per pair).
        let left = UnsafeMutablePointer<Float>.allocate(capacity: 12)
        defer {
            matrices.deallocate()
            left.deallocate()
        }
        for o in 0..<outChannels {
            for c in 0..<channels {
                let g = weight + (o * channels + c) * 9
                // The kernel as this product reads it: flipped in both axes for the input gradient.
                func tap(_ i: Int, _ j: Int) -> Float { forInputGradient ? g[(2 - i) * 3 + 2 - j] : g[i * 3 + j] }
                for j in 0..<3 {
                    let (a, b, e) = (tap(0, j), tap(1, j), tap(2, j))
                    left[j] = a
                    left[3 + j] = 0.5 * (a + b + e)
                    left[6 + j] = 0.5 * (a - b + e)
                    left[9 + j] = e
                }
                // (G g) Gᵀ.
                let at = forInputGradient ? c * depth + o : o * depth + c
                for k in 0..<4 {
                    let (a, b, e) = (left[3 * k], left[3 * k + 1], left[3 * k + 2])
                    let stride = rows * depth
                    matrices[(4 * k) * stride + at] = a
                    matrices[(4 * k + 1) * stride + at] = 0.5 * (a + b + e)
                    matrices[(4 * k + 2) * stride + at] = 0.5 * (a - b + e)
                    matrices[(4 * k + 3) * stride + at] = e
                }
            }
        }
        return (0..<16).map { xi in
            PackedA(transposeA: false, rows: rows, depth: depth, a: matrices + xi * rows * depth, lda: depth, simd: simd)
        }
    }

    /// The distance, in floats, between consecutive ones of the 16 matrices of a group (`count`
    /// floats each): `count` rounded up to an odd number of 64-byte cache lines. The transforms
    /// read or write the same row of all 16 at once; at a distance that is a multiple of 4 KiB
    /// (64 channels × 112 tiles is 7 × 4 KiB) those 16 rows fall in one set of the 8-way L1 cache
    /// and evict each other, which made the transforms 2.5–3 times slower. At an odd number of
    /// lines the 16 rows fall in 16 different sets.
    static func staggered(_ count: Int) -> Int { ((count + 15) / 16 | 1) * 16 }

    /// Tile slots per row of tiles: the transforms work on 8 tiles at a time.
    static func slots(tilesX: Int) -> Int { (tilesX + 7) / 8 * 8 }

    /// Samples transformed and multiplied together: about 128 tile slots (eight of the GEMM's
    /// 16-column panels), which measured fastest for the 14×14 planes of the 2-conv network (one
    /// sample: 7.3 ms forward on one thread, two: 6.1, four: 6.5, thirteen: 6.4); the matrices of
    /// a group then stay in the cache.
    static func samplesPerGroup(_ problem: Problem) -> Int {
        let slotsPerSample = problem.tilesY * slots(tilesX: problem.tilesX)
        return max(1, min(problem.batch, 128 / max(slotsPerSample, 1)))
    }

    static func run(
        _ problem: Problem, input: UnsafePointer<Float>, weights: [PackedA], bias: UnsafePointer<Float>?, accumulate: Bool,
        output: UnsafeMutablePointer<Float>, threads: Int, simd: SIMDLevel
    ) {
        let (tilesY, tilesX) = (problem.tilesY, problem.tilesX)
        let tilesPerSample = tilesY * slots(tilesX: tilesX)
        let perGroup = samplesPerGroup(problem)
        let groups = (problem.batch + perGroup - 1) / perGroup
        let maximumTiles = perGroup * tilesPerSample
        let transformedCount = 16 * staggered(PanelMajor.count(rows: problem.channels, columns: maximumTiles))
        let productCount = 16 * staggered(problem.outChannels * maximumTiles)
        let planeCount = neurite_winograd_scratch_count(tilesY, tilesX)
        let inputSize = problem.channels * problem.height * problem.width
        let outputSize = problem.outChannels * problem.outputHeight * problem.outputWidth
        let (sampleThreads, productThreads) = groups == 1 ? (1, threads) : (threads, 1)
        let inputTransform = simd == .avx2 ? neurite_winograd_input_avx2 : neurite_winograd_input_portable
        let outputTransform = simd == .avx2 ? neurite_winograd_output_avx2 : neurite_winograd_output_portable
        let (source, target, biases) = (UncheckedSendable(input), UncheckedSendable(output), UncheckedSendable(bias))
        Parallel.forEachRange(groups, threads: sampleThreads) { range in
            ScratchBuffers.with(count: transformedCount + productCount + planeCount) { scratch in
                let (transformed, products, plane) = (scratch, scratch + transformedCount, scratch + transformedCount + productCount)
                for group in range {
                    let first = group * perGroup
                    let samples = min(perGroup, problem.batch - first)
                    let tiles = samples * tilesPerSample
                    let matrixStride = staggered(PanelMajor.count(rows: problem.channels, columns: tiles))
                    for s in 0..<samples {
                        inputTransform(
                            source.value + (first + s) * inputSize, problem.channels, problem.height, problem.width, problem.padTop,
                            problem.padLeft, tilesY, tilesX, plane, transformed, matrixStride, s * tilesPerSample)
                    }
                    // The last panel's columns past the tiles: zeros, as `PanelMajor` has them.
                    if tiles % PanelMajor.width != 0 {
                        let last = (tiles / PanelMajor.width) * PanelMajor.width * problem.channels
                        for xi in 0..<16 {
                            for c in 0..<problem.channels {
                                let row = transformed + xi * matrixStride + last + c * PanelMajor.width
                                (row + tiles % PanelMajor.width).initialize(repeating: 0, count: PanelMajor.width - tiles % PanelMajor.width)
                            }
                        }
                    }
                    let productStride = staggered(problem.outChannels * tiles)
                    for xi in 0..<16 {
                        Gemm.multiply(
                            packedA: weights[xi], transposeB: false, n: tiles, b: transformed + xi * matrixStride, panelMajorB: true,
                            beta: 0, c: products + xi * productStride, ldc: tiles, threads: productThreads, simd: simd)
                    }
                    for s in 0..<samples {
                        outputTransform(
                            products, productStride, tiles, s * tilesPerSample, problem.outChannels, tilesY, tilesX, biases.value,
                            accumulate ? 1 : 0, target.value + (first + s) * outputSize, problem.outputHeight, problem.outputWidth)
                    }
                }
            }
        }
    }
}

// In an extension, so that `Problem` keeps its memberwise initialiser.
extension WinogradConvolution.Problem {
    /// The forward convolution `geometry` describes.
    init(_ geometry: WindowGeometry, outChannels: Int) {
        self.init(
            batch: geometry.batch, channels: geometry.channels, height: geometry.height, width: geometry.width,
            padTop: geometry.padTop, padLeft: geometry.padLeft, outChannels: outChannels, outputHeight: geometry.outputHeight,
            outputWidth: geometry.outputWidth)
    }
}
