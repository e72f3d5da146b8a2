import CNeuriteSIMD

/// Convolution computed tap by tap instead of as a matrix product, for shallow inputs: a first
/// layer's unfolded depth `C·kh·kw` is 9 (a grayscale 3×3) or 27 (RGB), too little for a GEMM to
/// earn back its packing, and the unfolded copy would be nine times the input. Stride 1,
/// dilation 1, one group, on inputs already zero-padded (`[N, C, ph, pw]`,
/// `ph = oh + kh − 1`, `pw = ow + kw − 1`). Results do not depend on the thread count.
public enum DirectConvolution {
    /// The deepest unfold (`C·kh·kw`) this path takes.
    public static let maximumDepth = 32

    /// `out[n, o, y, x] = bias[o] + Σ weight[o, c, i, j] · padded[n, c, y + i, x + j]`; samples are
    /// split across threads.
    public static func forward(
        _ padded: UnsafePointer<Float>, batch: Int, channels: Int, paddedHeight: Int, paddedWidth: Int,
        weight: UnsafePointer<Float>, outChannels: Int, kernelHeight: Int, kernelWidth: Int, bias: UnsafePointer<Float>?,
        into output: UnsafeMutablePointer<Float>, threads: Int = Threading.maximumThreads, simd: SIMDLevel = .detected
    ) {
        let (oh, ow) = (paddedHeight - kernelHeight + 1, paddedWidth - kernelWidth + 1)
        let kernel = simd == .avx2 ? neurite_conv_direct_forward_avx2 : neurite_conv_direct_forward_portable
        let pointers = UncheckedSendable((padded, weight, bias, output))
        let work = batch * outChannels * oh * ow * channels * kernelHeight * kernelWidth
        Parallel.forEachRange(batch, threads: work < 1 << 18 ? 1 : threads) { samples in
            let (padded, weight, bias, output) = pointers.value
            for n in samples {
                kernel(
                    padded + n * channels * paddedHeight * paddedWidth, channels, paddedHeight, paddedWidth, weight, outChannels,
                    kernelHeight, kernelWidth, bias, oh, ow, output + n * outChannels * oh * ow)
            }
        }
    }

    /// `forward`, then ReLU and max pooling (`Pooling.maxForward` and `Pooling.rectifyMaxima`), a
    /// sample at a time: each sample's convolution output (`[O, oh, ow]`) stays in a buffer the
    /// size of the cache instead of being written out and read back. The same values as the three
    /// operations one after the other.
    /// - Parameters:
    ///   - rows, columns: the pooling windows over `oh` and `ow`.
    ///   - output: `[N, O, rows.outputs, columns.outputs]`.
    ///   - indices: the same shape: where each maximum came from in its `oh × ow` plane, −1 where
    ///     it was not positive.
    public static func forwardRectifiedMaxPool(
        _ padded: UnsafePointer<Float>, batch: Int, channels: Int, paddedHeight: Int, paddedWidth: Int,
        weight: UnsafePointer<Float>, outChannels: Int, kernelHeight: Int, kernelWidth: Int, bias: UnsafePointer<Float>?,
        rows: PoolingAxis, columns: PoolingAxis, into output: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int32>,
        threads: Int = Threading.maximumThreads, simd: SIMDLevel = .detected
    ) {
        let (oh, ow) = (paddedHeight - kernelHeight + 1, paddedWidth - kernelWidth + 1)
        let pooledPlane = rows.outputs * columns.outputs
        let kernel = simd == .avx2 ? neurite_conv_direct_forward_avx2 : neurite_conv_direct_forward_portable
        let pointers = UncheckedSendable((padded, weight, bias, output, indices))
        Parallel.forEachRange(batch, threads: threads) { samples in
            let (padded, weight, bias, output, indices) = pointers.value
            ScratchBuffers.with(count: outChannels * oh * ow) { convolved in
                for n in samples {
                    kernel(
                        padded + n * channels * paddedHeight * paddedWidth, channels, paddedHeight, paddedWidth, weight, outChannels,
                        kernelHeight, kernelWidth, bias, oh, ow, convolved)
                    let (values, positions) = (output + n * outChannels * pooledPlane, indices + n * outChannels * pooledPlane)
                    Pooling.maxForward(
                        convolved, planes: outChannels, height: oh, width: ow, rows: rows, columns: columns, output: values,
                        indices: positions, threads: 1, simd: simd)
                    Pooling.rectifyMaxima(values, indices: positions, count: outChannels * pooledPlane)
                }
            }
        }
    }

    /// `weightGradient[o, c, i, j] = Σ_{n, y, x} g[n, o, y, x] · padded[n, c, y + i, x + j]`, with
    /// `g` in the public layout `[N, O, oh, ow]`, and `biasGradient[o] = Σ g[n, o, y, x]` in the same
    /// pass when asked; output channels are split across threads, and each sums the batch in order.
    public static func weightGradient(
        _ padded: UnsafePointer<Float>, batch: Int, channels: Int, paddedHeight: Int, paddedWidth: Int,
        gradient: UnsafePointer<Float>, outChannels: Int, kernelHeight: Int, kernelWidth: Int,
        into weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>? = nil,
        threads: Int = Threading.maximumThreads, simd: SIMDLevel = .detected
    ) {
        precondition(channels * kernelHeight * kernelWidth <= 64, "DirectConvolution: at most 64 taps")
        let (oh, ow) = (paddedHeight - kernelHeight + 1, paddedWidth - kernelWidth + 1)
        let kernel = simd == .avx2 ? neurite_conv_direct_weight_gradient_avx2 : neurite_conv_direct_weight_gradient_portable
        let pointers = UncheckedSendable((padded, gradient, weightGradient, biasGradient))
        let work = batch * outChannels * oh * ow * channels * kernelHeight * kernelWidth
        Parallel.forEachRange(outChannels, threads: work < 1 << 18 ? 1 : threads) { range in
            let (padded, gradient, weightGradient, biasGradient) = pointers.value
            kernel(
                padded, batch, channels, paddedHeight, paddedWidth, gradient, outChannels, range.lowerBound, range.upperBound,
                kernelHeight, kernelWidth, oh, ow, weightGradient, biasGradient)
        }
    }
}
