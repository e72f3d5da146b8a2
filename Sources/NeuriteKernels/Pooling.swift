import CNeuriteSIMD

/// Where the pooling windows along one axis fall: for each output index, the input indices its
/// window reads — `first + t·step` for `t ∈ 0..<count`, taps in the padding left out — and the
/// count an average divides by. A 2-D window is the product of a row window and a column window,
/// scanned row by row, the order PyTorch scans in (which decides ties).
public struct PoolingAxis: Sendable, Equatable {
    public var first: [Int]
    public var count: [Int]
    public var step: Int
    public var divisors: [Int]

    public init(first: [Int], count: [Int], step: Int, divisors: [Int]) {
        self.first = first
        self.count = count
        self.step = step
        self.divisors = divisors
    }

    /// Output positions along the axis.
    public var outputs: Int { first.count }

    /// Whether output `o` reads inputs `2o` and `2o + 1` for every `o` (a window of 2 with stride 2,
    /// no padding, none clipped).
    var isPairs: Bool { step == 1 && first.indices.allSatisfy { first[$0] == 2 * $0 && count[$0] == 2 } }

    /// Windows of `kernel` taps `dilation` apart, moved by `stride`, over `length` elements padded
    /// by `padding` on both sides, `outputs` of them. The divisor is PyTorch's: the window clipped
    /// to the padded axis when `countingPadding`, else to the input.
    public static func sliding(
        length: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, outputs: Int, countingPadding: Bool
    ) -> PoolingAxis {
        var first: [Int] = [], count: [Int] = [], divisors: [Int] = []
        for output in 0..<outputs {
            let start = output * stride - padding
            let skipped = start >= 0 ? 0 : (-start + dilation - 1) / dilation
            let inside = start + skipped * dilation
            let remaining = inside >= length ? 0 : (length - 1 - inside) / dilation + 1
            first.append(inside)
            count.append(max(0, min(kernel - skipped, remaining)))
            let end = min(start + kernel, length + padding)
            divisors.append(countingPadding ? end - start : min(end, length) - max(start, 0))
        }
        return PoolingAxis(first: first, count: count, step: dilation, divisors: divisors)
    }

    /// Adaptive windows: output `o` of `outputs` covers `⌊o·L/O⌋ ..< ⌈(o + 1)·L/O⌉`.
    public static func adaptive(length: Int, outputs: Int) -> PoolingAxis {
        let first = (0..<outputs).map { $0 * length / outputs }
        let count = (0..<outputs).map { ((($0 + 1) * length + outputs - 1) / outputs) - first[$0] }
        return PoolingAxis(first: first, count: count, step: 1, divisors: count)
    }

    /// One output that reads the single element of a length-1 axis (the row axis of 1-D pooling).
    public static let single = PoolingAxis(first: [0], count: [1], step: 1, divisors: [1])
}

/// Max and average pooling over `planes` planes of `height × width` (`[N·C, H, W]`), with
/// windows given per axis by `PoolingAxis`. Planes are split across threads; each output and each
/// input gradient is computed by one thread in a fixed order, so results do not depend on the
/// thread count.
public enum Pooling {
    /// Writes each window's maximum to `output` (`[planes, rows.count, columns.count]`) and its
    /// position in the plane (`y·W + x`) to `indices`. The first maximum in scan order wins ties,
    /// and NaN wins over numbers (PyTorch's rule); an empty window gives −∞ and index −1.
    public static func maxForward(
        _ input: UnsafePointer<Float>, planes: Int, height: Int, width: Int, rows: PoolingAxis, columns: PoolingAxis,
        output: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int32>, threads: Int? = nil, simd: SIMDLevel = .detected
    ) {
        let threads = threads ?? Self.threads(for: planes * height * width)
        let scan = simd == .avx2 ? neurite_max_pool_plane_avx2 : neurite_max_pool_plane_portable
        let outputPlane = rows.outputs * columns.outputs
        let (source, values, positions) = (UncheckedSendable(input), UncheckedSendable(output), UncheckedSendable(indices))
        if simd == .avx2 && rows.isPairs && columns.isPairs {
            // The common 2×2 window with stride 2: a kernel without per-window bookkeeping.
            Parallel.forEachRange(planes, threads: threads) { range in
                neurite_max_pool_2x2_avx2(
                    source.value + range.lowerBound * height * width, range.count, height, width, rows.outputs, columns.outputs,
                    values.value + range.lowerBound * outputPlane, positions.value + range.lowerBound * outputPlane)
            }
            return
        }
        rows.first.withUnsafeBufferPointer { rowFirst in
            rows.count.withUnsafeBufferPointer { rowCount in
                columns.first.withUnsafeBufferPointer { columnFirst in
                    columns.count.withUnsafeBufferPointer { columnCount in
                        let windows = UncheckedSendable(
                            (rowFirst.baseAddress!, rowCount.baseAddress!, columnFirst.baseAddress!, columnCount.baseAddress!))
                        Parallel.forEachRange(planes, threads: threads) { range in
                            let (rowFirst, rowCount, columnFirst, columnCount) = windows.value
                            for plane in range {
                                scan(
                                    source.value + plane * height * width, width, rows.outputs, rowFirst, rowCount, rows.step,
                                    columns.outputs, columnFirst, columnCount, columns.step,
                                    values.value + plane * outputPlane, positions.value + plane * outputPlane)
                            }
                        }
                    }
                }
            }
        }
    }

    /// ReLU applied to max-pooled values, as `maxForward` left them: a maximum that is not
    /// positive becomes 0 (NaN stays) and loses its position (-1), as ReLU passes no gradient
    /// there.
    public static func rectifyMaxima(_ values: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int32>, count: Int) {
        var i = 0
        while i + 8 <= count {
            let value = UnsafeRawPointer(values + i).loadUnaligned(as: SIMD8<Float>.self)
            let index = UnsafeRawPointer(indices + i).loadUnaligned(as: SIMD8<Int32>.self)
            let positive = value .> 0
            UnsafeMutableRawPointer(values + i).storeBytes(
                of: value.replacing(with: 0, where: .!(positive .| (value .!= value))), as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(indices + i).storeBytes(of: index.replacing(with: -1, where: .!positive), as: SIMD8<Int32>.self)
            i += 8
        }
        while i < count {
            if !(values[i] > 0) {
                if !values[i].isNaN { values[i] = 0 }
                indices[i] = -1
            }
            i += 1
        }
    }

    /// The input gradient of max pooling written into uninitialised memory (`[planes, height,
    /// width]`): each output gradient at the input position its maximum came from, 0 elsewhere.
    /// 2×2 windows with stride 2 are written densely in one pass (`neurite_max_unpool_2x2`); other
    /// windows zero the planes and add (`maxBackward`). The same bits either way.
    public static func maxGradient(
        _ gradient: UnsafePointer<Float>, indices: UnsafePointer<Int32>, planes: Int, height: Int, width: Int, rows: PoolingAxis,
        columns: PoolingAxis, into input: UnsafeMutablePointer<Float>, threads: Int? = nil, simd: SIMDLevel = .detected
    ) {
        let outputPlane = rows.outputs * columns.outputs
        let threads = threads ?? Self.threads(for: planes * outputPlane)
        guard rows.isPairs && columns.isPairs else {
            let (target, count) = (UncheckedSendable(input), height * width)
            Parallel.forEachRange(planes, threads: threads) { range in
                (target.value + range.lowerBound * count).update(repeating: 0, count: range.count * count)
            }
            maxBackward(gradient, indices: indices, planes: planes, planeSize: height * width, outputPlane: outputPlane, into: input)
            return
        }
        let (upstream, positions, target) = (UncheckedSendable(gradient), UncheckedSendable(indices), UncheckedSendable(input))
        Parallel.forEachRange(planes, threads: threads) { range in
            neurite_max_unpool_2x2(
                upstream.value + range.lowerBound * outputPlane, positions.value + range.lowerBound * outputPlane, range.count,
                height, width, rows.outputs, columns.outputs, simd == .avx2 ? 1 : 0, target.value + range.lowerBound * height * width)
        }
    }

    /// Adds each output gradient to the input position its maximum came from.
    public static func maxBackward(
        _ gradient: UnsafePointer<Float>, indices: UnsafePointer<Int32>, planes: Int, planeSize: Int, outputPlane: Int,
        into input: UnsafeMutablePointer<Float>
    ) {
        let (upstream, positions, target) = (UncheckedSendable(gradient), UncheckedSendable(indices), UncheckedSendable(input))
        Parallel.forEachRange(planes, threads: threads(for: planes * outputPlane)) { range in
            for plane in range {
                let write = target.value + plane * planeSize
                for out in plane * outputPlane..<(plane + 1) * outputPlane where positions.value[out] >= 0 {
                    write[Int(positions.value[out])] += upstream.value[out]
                }
            }
        }
    }

    /// Writes each window's sum over the inputs it reads, divided by its divisor (the product of
    /// the axes' divisors, or `divisorOverride`), to `output`.
    public static func averageForward(
        _ input: UnsafePointer<Float>, planes: Int, height: Int, width: Int, rows: PoolingAxis, columns: PoolingAxis,
        divisorOverride: Int?, output: UnsafeMutablePointer<Float>
    ) {
        let (source, target) = (UncheckedSendable(input), UncheckedSendable(output))
        forEachWindow(planes: planes, height: height, width: width, rows: rows, columns: columns, divisorOverride: divisorOverride) {
            plane, out, window in
            let values = source.value + plane * height * width
            var total: Float = 0
            for y in window.rows { for x in window.columns { total += values[y * width + x] } }
            target.value[out] = total / window.divisor
        }
    }

    /// Adds each output gradient, divided as `averageForward` divides, to every input its window
    /// read.
    public static func averageBackward(
        _ gradient: UnsafePointer<Float>, planes: Int, height: Int, width: Int, rows: PoolingAxis, columns: PoolingAxis,
        divisorOverride: Int?, into input: UnsafeMutablePointer<Float>
    ) {
        let (upstream, target) = (UncheckedSendable(gradient), UncheckedSendable(input))
        forEachWindow(planes: planes, height: height, width: width, rows: rows, columns: columns, divisorOverride: divisorOverride) {
            plane, out, window in
            let values = target.value + plane * height * width
            let share = upstream.value[out] / window.divisor
            for y in window.rows { for x in window.columns { values[y * width + x] += share } }
        }
    }

    /// One averaging window: the rows and columns it reads (step 1: average pooling has no
    /// dilation) and its divisor.
    struct AverageWindow {
        let rows: Range<Int>
        let columns: Range<Int>
        let divisor: Float
    }

    /// Calls `body(plane, output index, window)` for every window, planes split across threads.
    private static func forEachWindow(
        planes: Int, height: Int, width: Int, rows: PoolingAxis, columns: PoolingAxis, divisorOverride: Int?,
        _ body: (Int, Int, AverageWindow) -> Void
    ) {
        precondition(rows.step == 1 && columns.step == 1, "average pooling: windows must be contiguous")
        let outputPlane = rows.outputs * columns.outputs
        Parallel.forEachRange(planes, threads: threads(for: planes * height * width)) { range in
            for plane in range {
                var out = plane * outputPlane
                for r in 0..<rows.outputs {
                    for c in 0..<columns.outputs {
                        let window = AverageWindow(
                            rows: rows.first[r]..<rows.first[r] + rows.count[r], columns: columns.first[c]..<columns.first[c] + columns.count[c],
                            divisor: Float(divisorOverride ?? rows.divisors[r] * columns.divisors[c]))
                        body(plane, out, window)
                        out += 1
                    }
                }
            }
        }
    }

    private static func threads(for work: Int) -> Int { work < 1 << 15 ? 1 : Threading.maximumThreads }
}
