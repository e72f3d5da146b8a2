/// Where the pooling windows along one axis fall: for each output index, the input indices its
/// window reads (taps in the padding left out, in increasing order) and the count an average
/// divides by. A 2-D window is the product of a row window and a column window, scanned row by
/// row, the order PyTorch scans in (which decides ties).
public struct PoolingAxis: Sendable, Equatable {
    public var taps: [[Int]]
    public var divisors: [Int]

    public init(taps: [[Int]], divisors: [Int]) {
        self.taps = taps
        self.divisors = divisors
    }

    /// Output positions along the axis.
    public var count: Int { taps.count }

    /// Windows of `kernel` taps `dilation` apart, moved by `stride`, over `length` elements padded
    /// by `padding` on both sides, `outputs` of them. The divisor is PyTorch's: the window clipped
    /// to the padded axis when `countingPadding`, else to the input.
    public static func sliding(
        length: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, outputs: Int, countingPadding: Bool
    ) -> PoolingAxis {
        var taps: [[Int]] = [], divisors: [Int] = []
        for output in 0..<outputs {
            let start = output * stride - padding
            taps.append((0..<kernel).map { start + $0 * dilation }.filter { (0..<length).contains($0) })
            let end = min(start + kernel, length + padding)
            divisors.append(countingPadding ? end - start : min(end, length) - max(start, 0))
        }
        return PoolingAxis(taps: taps, divisors: divisors)
    }

    /// Adaptive windows: output `o` of `outputs` covers `⌊o·L/O⌋ ..< ⌈(o + 1)·L/O⌉`.
    public static func adaptive(length: Int, outputs: Int) -> PoolingAxis {
        let taps = (0..<outputs).map { o in Array((o * length / outputs)..<(((o + 1) * length + outputs - 1) / outputs)) }
        return PoolingAxis(taps: taps, divisors: taps.map(\.count))
    }

    /// One output that reads the single element of a length-1 axis (the row axis of 1-D pooling).
    public static let single = PoolingAxis(taps: [[0]], divisors: [1])
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
        output: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int32>
    ) {
        let outputPlane = rows.count * columns.count
        let (source, values, positions) = (UncheckedSendable(input), UncheckedSendable(output), UncheckedSendable(indices))
        Parallel.forEachRange(planes, threads: threads(for: planes * height * width)) { range in
            for plane in range {
                let read = source.value + plane * height * width
                var out = plane * outputPlane
                for rowTaps in rows.taps {
                    for columnTaps in columns.taps {
                        var best = -Float.infinity, index = -1
                        for y in rowTaps {
                            for x in columnTaps {
                                let value = read[y * width + x]
                                if value > best || value.isNaN {
                                    best = value
                                    index = y * width + x
                                }
                            }
                        }
                        values.value[out] = best
                        positions.value[out] = Int32(index)
                        out += 1
                    }
                }
            }
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
            plane, out, rowTaps, columnTaps, divisor in
            let values = source.value + plane * height * width
            var total: Float = 0
            for y in rowTaps { for x in columnTaps { total += values[y * width + x] } }
            target.value[out] = total / divisor
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
            plane, out, rowTaps, columnTaps, divisor in
            let values = target.value + plane * height * width
            let share = upstream.value[out] / divisor
            for y in rowTaps { for x in columnTaps { values[y * width + x] += share } }
        }
    }

    /// Calls `body(plane, output index, row taps, column taps, divisor)` for every window, planes
    /// split across threads.
    private static func forEachWindow(
        planes: Int, height: Int, width: Int, rows: PoolingAxis, columns: PoolingAxis, divisorOverride: Int?,
        _ body: (Int, Int, [Int], [Int], Float) -> Void
    ) {
        let outputPlane = rows.count * columns.count
        Parallel.forEachRange(planes, threads: threads(for: planes * height * width)) { range in
            for plane in range {
                var out = plane * outputPlane
                for (rowTaps, rowDivisor) in zip(rows.taps, rows.divisors) {
                    for (columnTaps, columnDivisor) in zip(columns.taps, columns.divisors) {
                        body(plane, out, rowTaps, columnTaps, Float(divisorOverride ?? rowDivisor * columnDivisor))
                        out += 1
                    }
                }
            }
        }
    }

    private static func threads(for work: Int) -> Int { work < 1 << 15 ? 1 : Threading.maximumThreads }
}
