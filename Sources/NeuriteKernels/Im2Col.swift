/// Unfolding windows into the columns of a matrix product, and folding them back: the two halves
/// of a convolution computed as a GEMM.
///
/// The column matrix of channels `c₀..<c₁` has one row per tap `(c, i, j)`, numbered
/// `((c − c₀)·kh + i)·kw + j`, and one column per output position of the whole batch, numbered
/// `n·oh·ow + y·ow + x`. Entry: `input[n, c, y·sy − pt + i·dy, x·sx − pl + j·dx]`, 0 in the
/// padding. Laying the batch along the columns makes one product per group, as wide as
/// `N·oh·ow`, which the GEMM splits across threads.
public enum Im2Col {
    /// Fills `columns` (`(c₁ − c₀)·kh·kw` rows of `N·oh·ow`) from `input` (`[N, C, H, W]`).
    /// Rows are split across threads; every entry is a copy, so the result does not depend on
    /// the thread count.
    public static func unfold(
        _ input: UnsafePointer<Float>, _ geometry: WindowGeometry, channels: Range<Int>,
        into columns: UnsafeMutablePointer<Float>, threads: Int = Threading.maximumThreads
    ) {
        let g = geometry
        let rows = channels.count * g.kernelArea
        let width = g.batch * g.outputPlaneSize
        let (source, target) = (UncheckedSendable(input), UncheckedSendable(columns))
        Parallel.forEachRange(rows, threads: rows * width < 1 << 16 ? 1 : threads) { range in
            for row in range { unfoldRow(row, source.value, g, channels: channels, into: target.value + row * width) }
        }
    }

    /// The same matrix as `unfold`, stored in `PanelMajor` layout (`PanelMajor.count(rows:
    /// columns:)` floats, padding columns zero): the B operand of the forward product as the GEMM
    /// reads it, so that product needs no packing. Each row is unfolded into a buffer that stays
    /// in cache and then copied out in 16-column pieces.
    public static func unfoldPanels(
        _ input: UnsafePointer<Float>, _ geometry: WindowGeometry, channels: Range<Int>,
        into panels: UnsafeMutablePointer<Float>, threads: Int = Threading.maximumThreads
    ) {
        let g = geometry
        let rows = channels.count * g.kernelArea
        let width = g.batch * g.outputPlaneSize
        let panelWidth = PanelMajor.width
        let (source, target) = (UncheckedSendable(input), UncheckedSendable(panels))
        Parallel.forEachRange(rows, threads: rows * width < 1 << 16 ? 1 : threads) { range in
            ScratchBuffers.with(count: Gemm.roundUp(width, panelWidth)) { line in
                // The padding columns of the last panel stay zero.
                (line + width).update(repeating: 0, count: Gemm.roundUp(width, panelWidth) - width)
                for row in range {
                    unfoldRow(row, source.value, g, channels: channels, into: line)
                    var out = target.value + panelWidth * row
                    for start in stride(from: 0, to: width, by: panelWidth) {
                        // A 64-byte copy inline: `update(from:count:)` calls memmove, which costs
                        // more than the copy at this size.
                        UnsafeMutableRawPointer(out).storeBytes(
                            of: UnsafeRawPointer(line + start).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                        out += panelWidth * rows
                    }
                }
            }
        }
    }

    /// Writes row `row` of the unfolded matrix (`N·oh·ow` floats) to `out`.
    private static func unfoldRow(
        _ row: Int, _ input: UnsafePointer<Float>, _ g: WindowGeometry, channels: Range<Int>, into out: UnsafeMutablePointer<Float>
    ) {
        let channel = channels.lowerBound + row / g.kernelArea
        let (i, j) = ((row % g.kernelArea) / g.kernelWidth, row % g.kernelWidth)
        let valid = g.validColumns(tap: j)
        let columnOffset = j * g.dilationX - g.padLeft
        var out = out
        // Stride 1 and rows as wide as the input's ("same" padding): the row is the input plane
        // shifted by the tap, so it is one long copy with the edges zeroed afterwards.
        let shifted = g.strideX == 1 && g.strideY == 1 && g.dilationX == 1 && g.outputWidth == g.width
        for n in 0..<g.batch {
            let plane = input + (n * g.channels + channel) * g.planeSize
            if shifted {
                unfoldShifted(plane, g, rowOffset: i * g.dilationY - g.padTop, columnOffset: columnOffset, valid: valid, into: out)
                out += g.outputPlaneSize
                continue
            }
            for y in 0..<g.outputHeight {
                let inputRow = y * g.strideY - g.padTop + i * g.dilationY
                // Inline vector copies rather than memset and memmove: rows are short (an image
                // of 28 pixels has rows of 28), and the library calls cost more than the copies.
                if inputRow < 0 || inputRow >= g.height || valid.isEmpty {
                    ShortCopy.zero(out, count: g.outputWidth)
                } else {
                    let line = plane + inputRow * g.width + columnOffset
                    ShortCopy.zero(out, count: valid.lowerBound)
                    if g.strideX == 1 {
                        ShortCopy.copy(line + valid.lowerBound, to: out + valid.lowerBound, count: valid.count)
                    } else {
                        for x in valid { out[x] = line[x * g.strideX] }
                    }
                    ShortCopy.zero(out + valid.upperBound, count: g.outputWidth - valid.upperBound)
                }
                out += g.outputWidth
            }
        }
    }

    /// One sample's row of the unfolded matrix when it is the input plane shifted by
    /// (`rowOffset`, `columnOffset`) (stride 1, output rows as wide as the input's):
    /// `out[y·W + x] = plane[(y + rowOffset)·W + x + columnOffset]` inside the plane, 0 outside.
    private static func unfoldShifted(
        _ plane: UnsafePointer<Float>, _ g: WindowGeometry, rowOffset: Int, columnOffset: Int, valid: Range<Int>,
        into out: UnsafeMutablePointer<Float>
    ) {
        let width = g.width
        let low = min(max(0, -rowOffset), g.outputHeight)
        let rows = low..<max(low, min(g.outputHeight, g.height - rowOffset))
        ShortCopy.zero(out, count: rows.lowerBound * width)
        ShortCopy.zero(out + rows.upperBound * width, count: (g.outputHeight - rows.upperBound) * width)
        guard !rows.isEmpty, !valid.isEmpty else {
            ShortCopy.zero(out + rows.lowerBound * width, count: rows.count * width)
            return
        }
        // The copy runs from the first valid element to the last: what it puts in the columns
        // outside the plane (the neighbouring row's ends) is zeroed below.
        let first = rows.lowerBound * width + valid.lowerBound
        let last = (rows.upperBound - 1) * width + valid.upperBound
        ShortCopy.copy(plane + first + rowOffset * width + columnOffset, to: out + first, count: last - first)
        for y in rows {
            ShortCopy.zero(out + y * width, count: valid.lowerBound)
            ShortCopy.zero(out + y * width + valid.upperBound, count: width - valid.upperBound)
        }
    }

    /// Adds every entry of `columns` (laid out as `unfold` writes it) back to the input position
    /// it was read from, into `input` (`[N, C, H, W]`); padding entries are dropped. Channels are
    /// split across threads and each element sums its taps in one fixed order, so the result
    /// does not depend on the thread count.
    public static func fold(
        _ columns: UnsafePointer<Float>, _ geometry: WindowGeometry, channels: Range<Int>,
        accumulatingInto input: UnsafeMutablePointer<Float>, threads: Int = Threading.maximumThreads
    ) {
        let g = geometry
        let width = g.batch * g.outputPlaneSize
        let (source, target) = (UncheckedSendable(columns), UncheckedSendable(input))
        let work = channels.count * g.kernelArea * width
        Parallel.forEachRange(channels.count, threads: work < 1 << 16 ? 1 : threads) { range in
            for local in range {
                let channel = channels.lowerBound + local
                for tap in 0..<g.kernelArea {
                    let (i, j) = (tap / g.kernelWidth, tap % g.kernelWidth)
                    let valid = g.validColumns(tap: j)
                    let columnOffset = j * g.dilationX - g.padLeft
                    var column = source.value + (local * g.kernelArea + tap) * width
                    for n in 0..<g.batch {
                        let plane = target.value + (n * g.channels + channel) * g.planeSize
                        for y in 0..<g.outputHeight {
                            let inputRow = y * g.strideY - g.padTop + i * g.dilationY
                            if inputRow >= 0 && inputRow < g.height {
                                let line = plane + inputRow * g.width + columnOffset
                                if g.strideX == 1 {
                                    for x in valid { line[x] += column[x] }
                                } else {
                                    for x in valid { line[x * g.strideX] += column[x] }
                                }
                            }
                            column += g.outputWidth
                        }
                    }
                }
            }
        }
    }
}

/// Copies and zero fills of a few dozen floats, inline: eight lanes at a time, the last eight
/// overlapping the ones before, and a count below eight in pieces of 4, 2 and 1 (no loop, which
/// the compiler would turn back into a library call).
enum ShortCopy {
    @inline(__always)
    static func copy(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        if count >= 8 {
            var i = 0
            while i + 8 <= count {
                store(UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self), at: target + i)
                i += 8
            }
            if i < count { store(UnsafeRawPointer(source + count - 8).loadUnaligned(as: SIMD8<Float>.self), at: target + count - 8) }
            return
        }
        var i = 0
        if count & 4 != 0 {
            UnsafeMutableRawPointer(target).storeBytes(of: UnsafeRawPointer(source).loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
            i = 4
        }
        if count & 2 != 0 {
            UnsafeMutableRawPointer(target + i).storeBytes(
                of: UnsafeRawPointer(source + i).loadUnaligned(as: SIMD2<Float>.self), as: SIMD2<Float>.self)
            i += 2
        }
        if count & 1 != 0 { target[i] = source[i] }
    }

    @inline(__always)
    static func zero(_ target: UnsafeMutablePointer<Float>, count: Int) {
        if count >= 8 {
            var i = 0
            while i + 8 <= count {
                store(SIMD8(), at: target + i)
                i += 8
            }
            if i < count { store(SIMD8(), at: target + count - 8) }
            return
        }
        var i = 0
        if count & 4 != 0 {
            UnsafeMutableRawPointer(target).storeBytes(of: SIMD4<Float>(), as: SIMD4<Float>.self)
            i = 4
        }
        if count & 2 != 0 {
            UnsafeMutableRawPointer(target + i).storeBytes(of: SIMD2<Float>(), as: SIMD2<Float>.self)
            i += 2
        }
        if count & 1 != 0 { target[i] = 0 }
    }

    @inline(__always)
    private static func store(_ value: SIMD8<Float>, at target: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(target).storeBytes(of: value, as: SIMD8<Float>.self)
    }
}
