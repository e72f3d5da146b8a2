import NeuriteCore
import NeuriteKernels

/// Training-mode batch normalisation of `[N, C, …]` as one operation with its own derivative:
/// per channel `c`, over the `M = N·(positions)` values, `μ = mean x`, `σ² = mean (x − μ)²`
/// (biased), `x̂ = (x − μ)/√(σ² + ε)` and `y = γ·x̂ + β` (`γ = 1`, `β = 0` without affine
/// parameters).
///
/// Derivatives (Ioffe & Szegedy 2015): `∂β = Σ dy`, `∂γ = Σ dy·x̂`, and
/// `∂x = γ/(M·√(σ² + ε)) · (M·dy − Σ dy − x̂·Σ dy·x̂)`.
///
/// Composed from elementwise operations this took six passes with broadcasting each way over the
/// largest activations of a convolutional network; here it is two passes forward and two back.
/// Sums accumulate in `Double`, each channel on one thread in a fixed order.
///
/// With a `synchronization`, the sums (Σx, then Σ(x − μ)², and in the backward pass Σdy and
/// Σdy·x̂) and the count M are summed over the processes before use, so every process normalises
/// with the global batch's statistics; `∂γ` and `∂β` stay this process's own sums (data-parallel
/// training averages them with the other gradients), as in PyTorch's `SyncBatchNorm`.
/// - Returns: the output, the batch mean and biased variance per channel (for the running
///   statistics), and the count of values per channel they are over.
func batchNormalizedForTraining(
    _ input: Tensor, weight: Tensor?, bias: Tensor?, epsilon: Float, synchronization: (any StatisticsSynchronizer)? = nil
) -> (output: Tensor, mean: [Float], variance: [Float], count: Int) {
    let layout = ChannelLayout(input.shape)
    let x = input.detached()
    // Σx per channel, then (with a synchronisation) over the processes, with the count last.
    var sums = layout.channelSums(x) { values, channel in layout.sum(values, channel: channel) { $0 } } + [Double(layout.count)]
    synchronization?.sumAcrossProcesses(&sums)
    let count = sums.removeLast()
    let means = sums.map { Float($0 / count) }
    var squares = layout.channelSums(x) { values, channel in
        let shift = means[channel]
        return layout.sum(values, channel: channel) { ($0 - shift) * ($0 - shift) }
    }
    synchronization?.sumAcrossProcesses(&squares)
    let variances = squares.map { Float($0 / count) }
    let gamma = weight.map { $0.detached().scalars } ?? Array(repeating: 1, count: layout.channels)
    let beta = bias.map { $0.detached().scalars } ?? Array(repeating: 0, count: layout.channels)
    let inverseDeviation = variances.map { 1 / ($0 + epsilon).squareRoot() }
    let value = Tensor(unsafeUninitializedShape: input.shape) { output in
        x.withUnsafeBufferPointer { source in
            let (from, to) = (UncheckedSendable(source.baseAddress!), UncheckedSendable(output.baseAddress!))
            layout.forEachChannel { channel in
                let scale = gamma[channel] * inverseDeviation[channel]
                let offset = beta[channel] - means[channel] * scale
                layout.map(from.value, to.value, channel: channel) { $0 * scale + offset }
            }
        }
    }
    let inputs = [input] + (weight.map { [$0] } ?? []) + (bias.map { [$0] } ?? [])
    let result = Tensor.recording("batchNorm", value: value, inputs: inputs) { g in
        // Σdy and Σdy·x̂ per channel: this process's for ∂β and ∂γ, the global ones for ∂x.
        let sums = layout.channelSums(g) { dy, channel in layout.sum(dy, channel: channel) { $0 } }
        let products = x.withUnsafeBufferPointer { source in
            let values = UncheckedSendable(source.baseAddress!)
            return layout.channelSums(g) { dy, channel in
                let (mean, inverse) = (means[channel], inverseDeviation[channel])
                return layout.sum(values.value, dy, channel: channel) { ($0 - mean) * inverse * $1 }
            }
        }
        var global = sums + products
        synchronization?.sumAcrossProcesses(&global)
        let gradientInput = Tensor(unsafeUninitializedShape: input.shape) { output in
            x.withUnsafeBufferPointer { source in
                g.withUnsafeBufferPointer { upstream in
                    let pointers = UncheckedSendable((source.baseAddress!, upstream.baseAddress!, output.baseAddress!))
                    layout.forEachChannel { channel in
                        let (x, dy, dx) = pointers.value
                        let (mean, inverse) = (means[channel], inverseDeviation[channel])
                        let total = Float(count)
                        let factor = gamma[channel] * inverse / total
                        let (sumGradient, sumProduct) = (Float(global[channel]), Float(global[layout.channels + channel]))
                        layout.map(x, dy, dx, channel: channel) { value, gradient in
                            factor * (total * gradient - sumGradient - (value - mean) * inverse * sumProduct)
                        }
                    }
                }
            }
        }
        let gradientWeight = weight.map { _ in Tensor(products.map(Float.init)) }
        let gradientBias = bias.map { _ in Tensor(sums.map(Float.init)) }
        return [gradientInput] + (weight == nil ? [] : [gradientWeight]) + (bias == nil ? [] : [gradientBias])
    }
    return (result, means, variances, Int(count))
}

/// A `[N, C, …]` tensor seen as `N` blocks of `C` channels of `positions` contiguous values.
private struct ChannelLayout {
    let batch: Int, channels: Int, positions: Int
    /// Values per channel: `N · positions`.
    var count: Int { batch * positions }

    init(_ shape: [Int]) {
        (batch, channels, positions) = (shape[0], shape[1], shape.dropFirst(2).reduce(1, *))
    }

    /// `sum(values, channel)` for every channel of `tensor`, channels split across threads.
    func channelSums(_ tensor: Tensor, _ sum: (UnsafePointer<Float>, Int) -> Double) -> [Double] {
        var sums = [Double](repeating: 0, count: channels)
        tensor.withUnsafeBufferPointer { source in
            sums.withUnsafeMutableBufferPointer { buffer in
                let (values, out) = (UncheckedSendable(source.baseAddress!), UncheckedSendable(buffer.baseAddress!))
                forEachChannel { channel in out.value[channel] = sum(values.value, channel) }
            }
        }
        return sums
    }

    /// Runs `body` for every channel, channels split across threads.
    func forEachChannel(_ body: (Int) -> Void) {
        let threads = batch * channels * positions < 1 << 16 ? 1 : Threading.maximumThreads
        Parallel.forEachRange(channels, threads: threads) { range in
            for channel in range { body(channel) }
        }
    }

    /// `Σ term(x)` over one channel: each run of positions summed in eight `Float` lanes, the
    /// runs added in `Double`, in order.
    @inline(__always)
    func sum(_ x: UnsafePointer<Float>, channel: Int, _ term: (Float) -> Float) -> Double {
        var total = 0.0
        for n in 0..<batch {
            let run = x + (n * channels + channel) * positions
            var lanes = SIMD8<Float>(), p = 0
            while p + 8 <= positions {
                let v = UnsafeRawPointer(run + p).loadUnaligned(as: SIMD8<Float>.self)
                var mapped = SIMD8<Float>()
                for lane in 0..<8 { mapped[lane] = term(v[lane]) }
                lanes += mapped
                p += 8
            }
            var tail: Float = 0
            while p < positions {
                tail += term(run[p])
                p += 1
            }
            total += Double(lanes.sum()) + Double(tail)
        }
        return total
    }

    /// `Σ term(x, y)` over one channel of two tensors of the same layout, as `sum(_:channel:_:)`.
    @inline(__always)
    func sum(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, channel: Int, _ term: (Float, Float) -> Float) -> Double {
        var total = 0.0
        for n in 0..<batch {
            let offset = (n * channels + channel) * positions
            var lanes = SIMD8<Float>(), p = 0
            while p + 8 <= positions {
                let a = UnsafeRawPointer(x + offset + p).loadUnaligned(as: SIMD8<Float>.self)
                let b = UnsafeRawPointer(y + offset + p).loadUnaligned(as: SIMD8<Float>.self)
                var mapped = SIMD8<Float>()
                for lane in 0..<8 { mapped[lane] = term(a[lane], b[lane]) }
                lanes += mapped
                p += 8
            }
            var tail: Float = 0
            while p < positions {
                tail += term(x[offset + p], y[offset + p])
                p += 1
            }
            total += Double(lanes.sum()) + Double(tail)
        }
        return total
    }

    /// `output = transform(x)` over one channel.
    @inline(__always)
    func map(_ x: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, channel: Int, _ transform: (Float) -> Float) {
        for n in 0..<batch {
            let offset = (n * channels + channel) * positions
            for p in 0..<positions { output[offset + p] = transform(x[offset + p]) }
        }
    }

    /// `output = transform(x, y)` over one channel.
    @inline(__always)
    func map(
        _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, channel: Int,
        _ transform: (Float, Float) -> Float
    ) {
        for n in 0..<batch {
            let offset = (n * channels + channel) * positions
            for p in 0..<positions { output[offset + p] = transform(x[offset + p], y[offset + p]) }
        }
    }
}
