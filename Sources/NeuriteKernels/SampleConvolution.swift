/// An ungrouped convolution computed one sample at a time, with every intermediate matrix in the
/// cache: the sample's unfolded input (`depth = C·kh·kw` rows of `P = oh·ow` positions, in
/// `PanelMajor` layout) or its unfolded gradient, never the whole batch's.
///
/// Per sample `n`, with `W` the weight as the `[O, depth]` matrix it is stored as and `G[n]` the
/// upstream gradient as the `[O, P]` matrix `[N, O, oh, ow]` stores for that sample (so neither
/// is copied or transposed first):
///
/// - forward: `out[n] = W · unfold(input[n]) + bias`, written straight into `[N, O, oh, ow]`;
/// - input gradient: `∂input[n] = fold(Wᵀ · G[n])`;
/// - weight gradient: `∂W = Σₙ G[n] · unfold(input[n])ᵀ`.
///
/// Samples are split across threads. The forward and the input gradient compute every element
/// with the same arithmetic as a product over the whole batch (`Im2Col` + `Gemm`), bit for bit.
/// The weight gradient sums each sample's product in the GEMM (depth `P`), then the samples in a
/// fixed grouping that depends on the batch size only (`weightGradientChunks`), so it is the same
/// for any thread count.
public enum SampleConvolution {
    /// The number of partial weight gradients a batch is summed in: consecutive runs of samples,
    /// each summed by one thread, then added in order.
    public static func weightGradientChunks(batch: Int) -> Int { min(batch, 16) }

    /// `output[n, o, ·] = Σ_r weight[o, r] · unfold(input[n])[r, ·] + bias[o]` for every sample.
    /// - Parameters:
    ///   - input: `[N, C, H, W]` as `geometry` describes it.
    ///   - weight: `[O, C·kh·kw]`.
    ///   - output: `[N, O, oh, ow]`, overwritten.
    public static func forward(
        _ input: UnsafePointer<Float>, _ geometry: WindowGeometry, weight: UnsafePointer<Float>, outChannels: Int,
        bias: UnsafePointer<Float>?, into output: UnsafeMutablePointer<Float>, threads: Int = Threading.maximumThreads
    ) {
        let plan = Plan(geometry, outChannels: outChannels, threads: threads)
        let (source, weights, biases, target) = (
            UncheckedSendable(input), UncheckedSendable(weight), UncheckedSendable(bias), UncheckedSendable(output)
        )
        // The weight is packed once for every sample's product.
        let packed =
            outChannels > Gemm.skinnyRows ? PackedA(transposeA: false, rows: outChannels, depth: plan.depth, a: weight, lda: plan.depth) : nil
        Parallel.forEachRange(geometry.batch, threads: plan.sampleThreads) { samples in
            ScratchBuffers.with(count: plan.panelsCount) { panels in
                for n in samples {
                    Im2Col.unfoldPanels(
                        source.value + n * plan.inputSize, plan.sample, channels: 0..<geometry.channels, into: panels, threads: 1)
                    let out = target.value + n * plan.outputSize
                    if let packed {
                        Gemm.multiply(
                            packedA: packed, transposeB: false, n: plan.positions, b: panels, panelMajorB: true, beta: 0, c: out,
                            ldc: plan.positions, threads: plan.productThreads)
                    } else {
                        Gemm.multiply(
                            transposeA: false, transposeB: false, m: outChannels, n: plan.positions, k: plan.depth, alpha: 1,
                            a: weights.value, lda: plan.depth, panelMajorB: panels, beta: 0, c: out, ldc: plan.positions,
                            threads: plan.productThreads)
                    }
                    if let bias = biases.value {
                        for o in 0..<outChannels {
                            let row = out + o * plan.positions
                            for p in 0..<plan.positions { row[p] += bias[o] }
                        }
                    }
                }
            }
        }
    }

    /// `∂input[n] += fold(weightᵀ · gradient[n])` for every sample.
    /// - Parameters:
    ///   - gradient: `[N, O, oh, ow]`.
    ///   - weight: `[O, C·kh·kw]`.
    ///   - inputGradient: `[N, C, H, W]`, accumulated into (pass zeros for the gradient alone).
    public static func inputGradient(
        _ gradient: UnsafePointer<Float>, _ geometry: WindowGeometry, weight: UnsafePointer<Float>, outChannels: Int,
        accumulatingInto inputGradient: UnsafeMutablePointer<Float>, threads: Int = Threading.maximumThreads
    ) {
        let plan = Plan(geometry, outChannels: outChannels, threads: threads)
        let (source, weights, target) = (UncheckedSendable(gradient), UncheckedSendable(weight), UncheckedSendable(inputGradient))
        // The transposed weight is packed once for every sample's product.
        let packed = plan.depth > Gemm.skinnyRows ? PackedA(transposeA: true, rows: plan.depth, depth: outChannels, a: weight, lda: plan.depth) : nil
        Parallel.forEachRange(geometry.batch, threads: plan.sampleThreads) { samples in
            ScratchBuffers.with(count: plan.depth * plan.positions) { columns in
                for n in samples {
                    if let packed {
                        Gemm.multiply(
                            packedA: packed, transposeB: false, n: plan.positions, b: source.value + n * plan.outputSize,
                            ldb: plan.positions, beta: 0, c: columns, ldc: plan.positions, threads: plan.productThreads)
                    } else {
                        Gemm.multiply(
                            transposeA: true, transposeB: false, m: plan.depth, n: plan.positions, k: outChannels, alpha: 1,
                            a: weights.value, lda: plan.depth, b: source.value + n * plan.outputSize, ldb: plan.positions,
                            beta: 0, c: columns, ldc: plan.positions, threads: plan.productThreads)
                    }
                    Im2Col.fold(
                        columns, plan.sample, channels: 0..<geometry.channels, accumulatingInto: target.value + n * plan.inputSize,
                        threads: plan.productThreads)
                }
            }
        }
    }

    /// `∂weight = Σₙ gradient[n] · unfold(input[n])ᵀ`, `[O, C·kh·kw]`, overwritten.
    public static func weightGradient(
        _ gradient: UnsafePointer<Float>, input: UnsafePointer<Float>, _ geometry: WindowGeometry, outChannels: Int,
        into weightGradient: UnsafeMutablePointer<Float>, threads: Int = Threading.maximumThreads
    ) {
        let plan = Plan(geometry, outChannels: outChannels, threads: threads)
        let batch = geometry.batch
        let chunks = weightGradientChunks(batch: batch)
        let size = outChannels * plan.depth
        // With enough output channels the product is computed transposed, `∂Wᵀ = cols · Gᵀ`: the
        // sample's unfolded input is then the A operand, unfolded by rows and packed without a
        // transpose, and only the gradient (O × P, smaller) is packed transposed. Each element
        // is the same sum of the same products in the same order either way.
        let transposed = outChannels > Gemm.skinnyColumns && plan.depth > Gemm.skinnyRows
        // From the buffer cache: a large allocation freed every step would be fresh pages each time.
        let partials = BufferCache.shared.allocate(count: chunks * size)
        defer { BufferCache.shared.deallocate(partials, count: chunks * size) }
        let (upstream, source, spare) = (UncheckedSendable(gradient), UncheckedSendable(input), UncheckedSendable(partials))
        Parallel.forEachRange(chunks, threads: plan.sampleThreads) { range in
            ScratchBuffers.with(count: transposed ? plan.depth * plan.positions : plan.panelsCount) { columns in
                for chunk in range {
                    let sum = spare.value + chunk * size
                    let first = batch * chunk / chunks
                    for n in first..<batch * (chunk + 1) / chunks {
                        let sample = source.value + n * plan.inputSize
                        if transposed {
                            Im2Col.unfold(sample, plan.sample, channels: 0..<geometry.channels, into: columns, threads: 1)
                            Gemm.multiply(
                                transposeA: false, transposeB: true, m: plan.depth, n: outChannels, k: plan.positions, alpha: 1,
                                a: columns, lda: plan.positions, b: upstream.value + n * plan.outputSize, ldb: plan.positions,
                                beta: n == first ? 0 : 1, c: sum, ldc: outChannels, threads: plan.productThreads)
                        } else {
                            Im2Col.unfoldPanels(sample, plan.sample, channels: 0..<geometry.channels, into: columns, threads: 1)
                            Gemm.multiply(
                                transposeA: false, transposeB: true, m: outChannels, n: plan.depth, k: plan.positions, alpha: 1,
                                a: upstream.value + n * plan.outputSize, lda: plan.positions, panelMajorB: columns,
                                beta: n == first ? 0 : 1, c: sum, ldc: plan.depth, threads: plan.productThreads)
                        }
                    }
                }
            }
        }
        // The chunks' sums added in order (transposed back if they were computed transposed).
        for o in 0..<outChannels {
            for r in 0..<plan.depth {
                let at = transposed ? r * outChannels + o : o * plan.depth + r
                var total = partials[at]
                for chunk in 1..<chunks { total += partials[chunk * size + at] }
                weightGradient[o * plan.depth + r] = total
            }
        }
    }

    /// Sizes of one sample's matrices, and how threads are spent.
    private struct Plan {
        /// `geometry` for a single sample.
        let sample: WindowGeometry
        let depth: Int, positions: Int
        let inputSize: Int, outputSize: Int
        /// Floats of a sample's unfolded input in `PanelMajor` layout.
        let panelsCount: Int
        /// Threads over samples, and inside each sample's product: a batch of one splits its
        /// product instead (which changes no bits: every element is still computed whole).
        let sampleThreads: Int, productThreads: Int

        init(_ geometry: WindowGeometry, outChannels: Int, threads: Int) {
            var sample = geometry
            sample.batch = 1
            self.sample = sample
            depth = geometry.channels * geometry.kernelArea
            positions = geometry.outputPlaneSize
            inputSize = geometry.channels * geometry.planeSize
            outputSize = outChannels * positions
            panelsCount = PanelMajor.count(rows: depth, columns: positions)
            (sampleThreads, productThreads) = geometry.batch == 1 ? (1, threads) : (threads, 1)
        }
    }
}
