import CNeuriteSIMD

/// Reductions of one axis of a contiguous array viewed as `[outer, length, inner]`.
///
/// Every result is computed in a fixed order, independent of threads, so the same input always
/// gives the same bits.
public enum Reduction {
    /// Elements per parallel task of a sum; fixed, so that the partial sums (and the result) never
    /// depend on the thread count.
    static let sumChunk = 1 << 16

    /// `output[o, i] = Σ_k input[o, k, i]`, accumulated in `Double` (so long sums of `Float` lose
    /// no precision) and rounded once. `output` has `outer × inner` elements.
    ///
    /// Large reductions use several threads: over rows, or over fixed chunks of one long row whose
    /// partial sums are then added in order.
    public static func sum(
        _ input: UnsafePointer<Float>, outer: Int, length: Int, inner: Int,
        into output: UnsafeMutablePointer<Float>, simd: SIMDLevel = .detected
    ) {
        let rowSum = simd == .avx2 ? neurite_sum_avx2 : neurite_sum_portable
        let accumulateRows = simd == .avx2 ? neurite_accumulate_rows_avx2 : neurite_accumulate_rows_portable
        let (source, destination) = (UncheckedSendable(input), UncheckedSendable(output))
        let threads = outer * length * inner < sumChunk * 2 ? 1 : Threading.maximumThreads
        if inner == 1 && outer == 1 {
            output.pointee = Float(contiguousSum(input, count: length, simd: simd))
        } else if inner == 1 {
            Parallel.forEachRange(outer, threads: threads) { rows in
                for o in rows { destination.value[o] = Float(rowSum(source.value + o * length, length)) }
            }
        } else {
            // Column sums: split the outer blocks, or the columns when there is one block.
            let splitColumns = outer < threads
            Parallel.forEachRange(splitColumns ? inner : outer, threads: threads) { range in
                let blocks = splitColumns ? 0..<outer : range
                let columns = splitColumns ? range : 0..<inner
                let accumulator = UnsafeMutablePointer<Double>.allocate(capacity: columns.count)
                defer { accumulator.deallocate() }
                for o in blocks {
                    accumulator.update(repeating: 0, count: columns.count)
                    accumulateRows(source.value + o * length * inner + columns.lowerBound, length, columns.count, inner, accumulator)
                    for i in 0..<columns.count { destination.value[o * inner + columns.lowerBound + i] = Float(accumulator[i]) }
                }
            }
        }
    }

    /// The sum of `count` contiguous elements in `Double`: fixed chunks summed (in parallel when
    /// there are several) and their sums added in order.
    public static func contiguousSum(_ x: UnsafePointer<Float>, count: Int, simd: SIMDLevel = .detected) -> Double {
        let rowSum = simd == .avx2 ? neurite_sum_avx2 : neurite_sum_portable
        let chunks = (count + sumChunk - 1) / sumChunk
        if chunks <= 1 { return rowSum(x, count) }
        var partials = [Double](repeating: 0, count: chunks)
        let source = UncheckedSendable(x)
        partials.withUnsafeMutableBufferPointer { buffer in
            let sums = UncheckedSendable(buffer.baseAddress!)
            Parallel.forEachRange(chunks) { range in
                for chunk in range {
                    sums.value[chunk] = rowSum(source.value + chunk * sumChunk, min(sumChunk, count - chunk * sumChunk))
                }
            }
        }
        return partials.reduce(0, +)
    }

    /// Whether none of `count` elements is ±∞ or NaN (vectorised; stops at the first block of
    /// 1,024 elements that holds one).
    public static func allFinite(_ x: UnsafePointer<Float>, count: Int, simd: SIMDLevel = .detected) -> Bool {
        (simd == .avx2 ? neurite_all_finite_avx2 : neurite_all_finite_portable)(x, count) != 0
    }

    /// `output[o, i] = max_k input[o, k, i]` (or the minimum), NaN when any element reduced is
    /// NaN, as in PyTorch. `length` must be positive. Rows are split across threads when large.
    public static func extremum(
        maximum: Bool, _ input: UnsafePointer<Float>, outer: Int, length: Int, inner: Int,
        into output: UnsafeMutablePointer<Float>, simd: SIMDLevel = .detected
    ) {
        precondition(length > 0, "extremum: cannot reduce an axis of length 0")
        let (source, destination) = (UncheckedSendable(input), UncheckedSendable(output))
        let threads = outer * length * inner < sumChunk * 2 ? 1 : Threading.maximumThreads
        let flag: Int32 = maximum ? 1 : 0
        if inner == 1 {
            let rowExtremum = simd == .avx2 ? neurite_extremum_avx2 : neurite_extremum_portable
            Parallel.forEachRange(outer, threads: threads) { rows in
                for o in rows { destination.value[o] = rowExtremum(source.value + o * length, length, flag) }
            }
        } else {
            let extremumRows = simd == .avx2 ? neurite_extremum_rows_avx2 : neurite_extremum_rows_portable
            Parallel.forEachRange(outer, threads: threads) { blocks in
                for o in blocks {
                    let base = source.value + o * length * inner, out = destination.value + o * inner
                    out.update(from: base, count: inner)
                    extremumRows(base + inner, length - 1, inner, inner, out, flag)
                }
            }
        }
    }

    /// For each `(o, i)`, the first `k` whose value is preferred by `isBetter(candidate, best)`
    /// over all earlier ones (NaN is always preferred, as in PyTorch). `length` must be positive.
    @inlinable
    public static func argBest(
        _ input: UnsafePointer<Float>, outer: Int, length: Int, inner: Int,
        into output: UnsafeMutablePointer<Int>, _ isBetter: (Float, Float) -> Bool
    ) {
        precondition(length > 0, "argBest: cannot reduce an axis of length 0")
        for o in 0..<outer {
            for i in 0..<inner {
                let base = input + o * length * inner + i
                var best = base.pointee, bestIndex = 0
                if !best.isNaN {
                    for k in 1..<length {
                        let value = base[k * inner]
                        if value.isNaN {
                            bestIndex = k
                            break
                        }
                        if isBetter(value, best) {
                            best = value
                            bestIndex = k
                        }
                    }
                }
                output[o * inner + i] = bestIndex
            }
        }
    }
}
