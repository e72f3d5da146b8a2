/// Reductions of one axis of a contiguous array viewed as `[outer, length, inner]`.
///
/// Every result is computed in a fixed order, independent of threads, so the same input always
/// gives the same bits.
public enum Reduction {
    /// `output[o, i] = Σ_k input[o, k, i]`, accumulated in `Double` (so long sums of `Float` lose
    /// no precision) and rounded once. `output` has `outer × inner` elements.
    @inlinable
    public static func sum(
        _ input: UnsafePointer<Float>, outer: Int, length: Int, inner: Int,
        into output: UnsafeMutablePointer<Float>
    ) {
        if inner == 1 {
            for o in 0..<outer { output[o] = Float(contiguousSum(input + o * length, count: length)) }
            return
        }
        let accumulator = UnsafeMutablePointer<Double>.allocate(capacity: inner)
        defer { accumulator.deallocate() }
        for o in 0..<outer {
            accumulator.update(repeating: 0, count: inner)
            for k in 0..<length {
                let row = input + (o * length + k) * inner
                for i in 0..<inner { accumulator[i] += Double(row[i]) }
            }
            for i in 0..<inner { output[o * inner + i] = Float(accumulator[i]) }
        }
    }

    /// The sum of `count` contiguous elements in `Double`, with four interleaved partial sums
    /// combined in a fixed order.
    @inlinable
    public static func contiguousSum(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var k = 0
        while k + 4 <= count {
            s0 += Double(x[k]); s1 += Double(x[k + 1]); s2 += Double(x[k + 2]); s3 += Double(x[k + 3])
            k += 4
        }
        while k < count { s0 += Double(x[k]); k += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// `output[o, i] = combine(…combine(input[o, 0, i], input[o, 1, i])…, input[o, length-1, i])`.
    /// `length` must be positive. Used for max and min, whose `combine` propagates NaN.
    @inlinable
    public static func fold(
        _ input: UnsafePointer<Float>, outer: Int, length: Int, inner: Int,
        into output: UnsafeMutablePointer<Float>, _ combine: (Float, Float) -> Float
    ) {
        precondition(length > 0, "fold: cannot reduce an axis of length 0")
        if inner == 1 {
            for o in 0..<outer {
                let row = input + o * length
                var result = row[0]
                for k in 1..<length { result = combine(result, row[k]) }
                output[o] = result
            }
            return
        }
        for o in 0..<outer {
            let out = output + o * inner
            let base = input + o * length * inner
            out.update(from: base, count: inner)
            for k in 1..<length {
                let row = base + k * inner
                for i in 0..<inner { out[i] = combine(out[i], row[i]) }
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
                        if value.isNaN { bestIndex = k; break }
                        if isBetter(value, best) { best = value; bestIndex = k }
                    }
                }
                output[o * inner + i] = bestIndex
            }
        }
    }
}
