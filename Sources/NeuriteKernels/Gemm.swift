import CNeuriteSIMD

/// Single-precision general matrix multiply on row-major operands:
/// `C ← alpha · op(A) · op(B) + beta · C`, where `op(X)` is `X` or `Xᵀ`.
///
/// Shapes: `op(A)` is `m × k`, `op(B)` is `k × n`, `C` is `m × n`; `lda`, `ldb` and `ldc` are the
/// row strides (leading dimensions) of the stored matrices. As in BLAS, `beta == 0` overwrites `C`
/// without reading it (NaN there does not propagate) and `alpha` multiplies `A` as it is packed.
///
/// Design (BLIS): `B` is packed in `KC × 16` panels and `A` in `6 × KC` panels inside `MC × KC`
/// blocks that stay in L2; a 6×16 register-tiled micro-kernel (AVX2+FMA when the processor has
/// them, portable C otherwise) multiplies a pair of panels. Transposed operands are read in place
/// while packing. Each thread computes a band of rows (or of columns, for wide products) of C with
/// its own packed panels, so a call synchronises once. Products with at most four rows (batch-1
/// inference), or at most 16 columns of a transposed B (a small output layer), skip packing and
/// run as dot products or row updates.
///
/// Determinism: every element of `C` is computed by one thread, summed over `k` in increasing
/// order in blocks of `KC` with the same arithmetic wherever its tile falls, so the result is the
/// same bit for bit for any thread count. The path (packed or not) depends on the shape only.
public enum Gemm {
    static let rowTile = NEURITE_GEMM_MR  // 6
    static let columnTile = NEURITE_GEMM_NR  // 16
    /// Depth of a packed block: a `KC × 16` panel of B is 16 KiB, half the L1 cache.
    static let depthBlock = 256
    /// Rows of A per packed block (a multiple of 6): 144 × 256 floats = 144 KiB, within L2.
    static let rowBlock = 144
    /// Columns of B per packed block: 256 × 4096 floats = 4 MiB, within L3.
    static let columnBlock = 4096
    /// Products with at most this many rows skip packing.
    static let skinnyRows = 4
    /// Products by a transposed B with at most this many columns skip packing.
    static let skinnyColumns = 16
    /// Below this many multiply-adds (m·n·k) one thread does the whole product.
    static let parallelThreshold = 1 << 20
    /// The same for products with at most `skinnyRows` rows.
    static let skinnyParallelThreshold = 1 << 16

    /// `C ← alpha · op(A) · op(B) + beta · C` (see the type's documentation), on up to `threads`
    /// threads with the given micro-kernel family.
    public static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
        threads: Int = Threading.maximumThreads, simd: SIMDLevel = .detected
    ) {
        multiply(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
            b: b, storage: .rowMajor(ldb), beta: beta, c: c, ldc: ldc, threads: threads, simd: simd)
    }

    /// `C ← alpha · op(A) · op(B) + beta · C` with B stored in `PanelMajor` layout: `k × n` when
    /// not transposed (then its panels are the micro-kernel's and are used in place, without
    /// packing), `n × k` when transposed. Same arithmetic, threads and determinism as the
    /// row-major version, but always through the packed path.
    public static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        panelMajorB b: UnsafePointer<Float>,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
        threads: Int = Threading.maximumThreads, simd: SIMDLevel = .detected
    ) {
        multiply(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
            b: b, storage: .panelMajor(rows: transposeB ? n : k), beta: beta, c: c, ldc: ldc, threads: threads, simd: simd)
    }

    /// `C ← op(A) · B + beta · C` with `op(A)` packed beforehand (`PackedA`), for many products
    /// with the same A: the same arithmetic, threads and determinism as the packed path of the
    /// other versions, without packing A again. B is row-major (`ldb`) or, with `panelMajorB`,
    /// in `PanelMajor` layout; `m` and `k` are the packed matrix's.
    /// - Precondition: `a` has more than `skinnyRows` rows (fewer take the unpacked path, whose
    ///   arithmetic differs), and B is not transposed with at most `skinnyColumns` columns.
    public static func multiply(
        packedA a: PackedA, transposeB: Bool, n: Int, b: UnsafePointer<Float>, ldb: Int? = nil, panelMajorB: Bool = false,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int = Threading.maximumThreads, simd: SIMDLevel = .detected
    ) {
        precondition(
            a.rows > skinnyRows && !(transposeB && n <= skinnyColumns && !panelMajorB),
            "gemm: a packed A needs more than \(skinnyRows) rows (got \(a.rows)) and a B the packed path takes")
        precondition(panelMajorB || ldb != nil, "gemm: a row-major B needs its ldb")
        let storage: BStorage = panelMajorB ? .panelMajor(rows: transposeB ? n : a.depth) : .rowMajor(ldb!)
        multiply(
            transposeA: false, transposeB: transposeB, m: a.rows, n: n, k: a.depth, alpha: a.alpha, a: a.pointer, lda: 0,
            b: b, storage: storage, beta: beta, c: c, ldc: ldc, threads: threads, simd: simd, packedA: a.pointer)
    }

    /// How B is laid out in memory.
    enum BStorage {
        /// Rows `ldb` floats apart.
        case rowMajor(Int)
        /// `PanelMajor` with this many rows.
        case panelMajor(rows: Int)
    }

    private static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, storage: BStorage,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int, simd: SIMDLevel, packedA: UnsafePointer<Float>? = nil
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative size m \(m) n \(n) k \(k)")
        guard m > 0, n > 0 else { return }
        var ldb = 0
        var packed = k > 0 && alpha != 0
        if case .rowMajor(let stride) = storage {
            ldb = stride
            packed = packed && m > skinnyRows && !(n <= skinnyColumns && transposeB)
        }
        // The packed path stores its first depth block when beta is 0 instead of adding to a
        // zeroed C: one pass over C fewer.
        let overwrite = packed && beta == 0
        if !overwrite { scale(c, rows: m, columns: n, stride: ldc, by: beta) }
        guard k > 0, alpha != 0 else { return }
        // Skinny products read each element of B once: worth splitting sooner, so each core
        // streams (and keeps in its own cache) half of B.
        let threshold = m <= skinnyRows ? skinnyParallelThreshold : parallelThreshold
        let threads = m * n * k < threshold ? 1 : max(threads, 1)
        let problem = Problem(
            transposeA: transposeA, transposeB: transposeB, m: m, k: k, alpha: alpha,
            a: a, lda: lda, b: b, ldb: ldb, storage: storage, c: c, ldc: ldc, overwrite: overwrite, simd: simd, packedA: packedA)
        if !packed && m <= skinnyRows {
            // Few rows: split the columns.
            forEachPart(of: n, parts: threads, multiple: 8) { columns in
                problem.multiplyRowsWithoutPacking(0..<m, columns: columns)
            }
        } else if !packed {
            // Few columns of a transposed B (a small output layer): dot products, rows split.
            forEachPart(of: m, parts: threads, multiple: 1) { rows in
                problem.multiplyRowsWithoutPacking(rows, columns: 0..<n)
            }
        } else if m >= n {
            // Each thread computes whole rows of C, packing its own panels: one synchronisation.
            forEachPart(of: m, parts: threads, multiple: rowTile) { rows in
                problem.multiplyPacked(rows: rows, columns: 0..<n)
            }
        } else {
            forEachPart(of: n, parts: threads, multiple: columnTile) { columns in
                problem.multiplyPacked(rows: 0..<m, columns: columns)
            }
        }
    }

    /// Splits `0..<count` into at most `parts` consecutive ranges whose lengths are multiples of
    /// `multiple` (but the last), and runs `body` on each in parallel.
    static func forEachPart(of count: Int, parts: Int, multiple: Int, _ body: (Range<Int>) -> Void) {
        let length = roundUp((count + parts - 1) / parts, multiple)
        let pieces = (count + length - 1) / length
        Parallel.forEachRange(pieces, threads: pieces) { range in
            for piece in range { body(piece * length..<min(count, (piece + 1) * length)) }
        }
    }

    /// The operands of one call, shared read-only by its threads; each thread writes a disjoint
    /// part of `c`.
    struct Problem: @unchecked Sendable {
        let transposeA: Bool, transposeB: Bool, m: Int, k: Int, alpha: Float
        let a: UnsafePointer<Float>, lda: Int
        let b: UnsafePointer<Float>, ldb: Int
        let storage: BStorage
        let c: UnsafeMutablePointer<Float>, ldc: Int
        /// The first depth block stores into C instead of adding (beta = 0).
        let overwrite: Bool
        let simd: SIMDLevel
        /// `PackedA`'s panels, used instead of packing A.
        let packedA: UnsafePointer<Float>?

        /// `C[rows, columns] += alpha · op(A)[rows, :] · op(B)[:, columns]` by packed panels and
        /// the 6×16 micro-kernel (the BLIS loop nest: column block, depth block, row block,
        /// column panel, row panel).
        func multiplyPacked(rows: Range<Int>, columns: Range<Int>) {
            let kernel = simd == .avx2 ? neurite_gemm_kernel_6x16_avx2 : neurite_gemm_kernel_6x16_portable
            let packA = simd == .avx2 ? neurite_pack_a_avx2 : neurite_pack_a_portable
            let packB = simd == .avx2 ? neurite_pack_b_avx2 : neurite_pack_b_portable
            let bCapacity = depthBlock * min(columnBlock, roundUp(columns.count, columnTile))
            ScratchBuffers.with(count: bCapacity + rowBlock * depthBlock + rowTile * columnTile) { scratch in
                let packedB = scratch, packedA = scratch + bCapacity
                let edge = packedA + rowBlock * depthBlock
                for columnStart in stride(from: columns.lowerBound, to: columns.upperBound, by: columnBlock) {
                    let width = min(columnBlock, columns.upperBound - columnStart)
                    let panels = (width + columnTile - 1) / columnTile
                    for depthStart in stride(from: 0, to: k, by: depthBlock) {
                        let depth = min(depthBlock, k - depthStart)
                        let store: Int32 = overwrite && depthStart == 0 ? 1 : 0
                        for panel in 0..<panels {
                            let column = columnStart + panel * columnTile
                            let panelColumns = min(columnTile, width - panel * columnTile)
                            let target = packedB + panel * depth * columnTile
                            switch storage {
                            case .rowMajor:
                                let origin = transposeB ? b + column * ldb + depthStart : b + depthStart * ldb + column
                                packB(origin, ldb, transposeB ? 1 : 0, depth, panelColumns, target)
                            case .panelMajor(let storedRows) where transposeB:
                                // op(B)[p, j] is the stored [j, p]: transpose 16-column pieces of its panels.
                                var p = depthStart
                                while p < depthStart + depth {
                                    let within = p % columnTile, length = min(columnTile - within, depthStart + depth - p)
                                    let origin = b + (p / columnTile) * columnTile * storedRows + column * columnTile + within
                                    packB(origin, columnTile, 1, length, panelColumns, target + (p - depthStart) * columnTile)
                                    p += length
                                }
                            case .panelMajor:
                                break  // used in place
                            }
                        }
                        for rowStart in stride(from: rows.lowerBound, to: rows.upperBound, by: rowBlock) {
                            let blockRows = min(rowBlock, rows.upperBound - rowStart)
                            var aBlock = UnsafePointer(packedA)
                            if let prepacked = self.packedA {
                                // Rows start at multiples of the row tile, so a block is whole panels.
                                aBlock = prepacked + PackedA.offset(row: rowStart, depthStart: depthStart, depth: depth, rows: m)
                            } else {
                                let origin = transposeA ? a + depthStart * lda + rowStart : a + rowStart * lda + depthStart
                                packA(origin, lda, transposeA ? 1 : 0, alpha, blockRows, depth, packedA)
                            }
                            for panel in 0..<panels {
                                let column = columnStart + panel * columnTile
                                let panelColumns = min(columnTile, columnStart + width - column)
                                var bPanel = UnsafePointer(packedB + panel * depth * columnTile)
                                if case .panelMajor(let storedRows) = storage, !transposeB {
                                    bPanel = b + (column / columnTile) * columnTile * storedRows + depthStart * columnTile
                                }
                                for rowPanel in 0..<(blockRows + rowTile - 1) / rowTile {
                                    let row = rowStart + rowPanel * rowTile
                                    let panelRows = min(rowTile, rowStart + blockRows - row)
                                    let aPanel = aBlock + rowPanel * depth * rowTile
                                    let target = c + row * ldc + column
                                    if panelColumns == columnTile {
                                        // The last row panel may have fewer than 6 rows: all six are computed
                                        // alike (the packing padded A with zeros), the rows present written.
                                        kernel(depth, aPanel, bPanel, target, ldc, store, Int32(panelRows))
                                    } else {
                                        // Edge tile: the same arithmetic into a scratch tile, then stored or
                                        // added, so results do not depend on where a tile falls.
                                        kernel(depth, aPanel, bPanel, edge, columnTile, 1, Int32(rowTile))
                                        for i in 0..<panelRows {
                                            for j in 0..<panelColumns {
                                                target[i * ldc + j] =
                                                    store == 1 ? edge[i * columnTile + j] : target[i * ldc + j] + edge[i * columnTile + j]
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /// `C[rows, columns] += alpha · op(A)[rows, :] · op(B)[:, columns]` without packing: dot
        /// products of A's rows with B's rows (B transposed) or row updates streaming B's rows.
        func multiplyRowsWithoutPacking(_ rows: Range<Int>, columns: Range<Int>) {
            guard !rows.isEmpty, !columns.isEmpty else { return }
            // A stored transposed has the wanted rows as columns: gather them once.
            var gathered: UnsafeMutablePointer<Float>?
            if transposeA {
                let copy = UnsafeMutablePointer<Float>.allocate(capacity: rows.count * k)
                for (i, row) in rows.enumerated() { for p in 0..<k { copy[i * k + p] = a[p * lda + row] } }
                gathered = copy
            }
            defer { gathered?.deallocate() }
            let aRows = gathered.map { UnsafePointer($0) } ?? a + rows.lowerBound * lda
            let aStride = transposeA ? k : lda
            let target = c + rows.lowerBound * ldc + columns.lowerBound
            if transposeB {
                let kernel = simd == .avx2 ? neurite_gemm_small_m_nt_avx2 : neurite_gemm_small_m_nt_portable
                kernel(rows.count, columns.count, k, alpha, aRows, aStride, b + columns.lowerBound * ldb, ldb, target, ldc)
            } else {
                let kernel = simd == .avx2 ? neurite_gemm_small_m_nn_avx2 : neurite_gemm_small_m_nn_portable
                kernel(rows.count, columns.count, k, alpha, aRows, aStride, b + columns.lowerBound, ldb, target, ldc)
            }
        }
    }

    /// `c ← beta · c` (0 overwrites, 1 leaves it alone).
    static func scale(_ c: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int, by beta: Float) {
        if beta == 1 { return }
        for i in 0..<rows {
            let row = c + i * stride
            if beta == 0 { row.update(repeating: 0, count: columns) } else { for j in 0..<columns { row[j] *= beta } }
        }
    }

    static func roundUp(_ value: Int, _ multiple: Int) -> Int { (value + multiple - 1) / multiple * multiple }
}

/// A matrix stored as the GEMM's packed B panels: the columns in groups of 16, each group's
/// rows consecutive. Element `(r, c)` of an `R × C` matrix is at
/// `(c / 16) · 16R + 16r + c % 16`; the last group is padded with zeros to 16 columns.
///
/// A convolution unfolds its input straight into this layout, so the forward product uses the
/// panels in place instead of copying a row-major matrix into them.
public enum PanelMajor {
    /// Columns per panel.
    public static let width = Gemm.columnTile

    /// Floats needed for an `rows × columns` matrix.
    public static func count(rows: Int, columns: Int) -> Int { Gemm.roundUp(columns, width) * rows }

    /// Where element `(row, column)` of a matrix with `rows` rows is stored.
    @inlinable
    public static func offset(row: Int, column: Int, rows: Int) -> Int {
        (column / width) * width * rows + width * row + column % width
    }
}

/// `alpha · op(A)` (`rows × depth`) packed once as the GEMM packs its A operand, for many products
/// with it (`Gemm.multiply(packedA:…)`): a convolution's weight, multiplied by every sample.
/// Depth blocks follow one another; each holds all rows in 6-row panels, `[p][i]` inside a panel,
/// the last panel padded with zero rows.
public final class PackedA: @unchecked Sendable {
    public let rows: Int, depth: Int, alpha: Float
    let pointer: UnsafeMutablePointer<Float>

    public init(
        transposeA: Bool, rows: Int, depth: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, simd: SIMDLevel = .detected
    ) {
        precondition(rows > 0 && depth > 0, "PackedA: rows \(rows) and depth \(depth) must be positive")
        (self.rows, self.depth, self.alpha) = (rows, depth, alpha)
        let paddedRows = Gemm.roundUp(rows, Gemm.rowTile)
        // From the buffer cache: a convolution packs its weight every step.
        pointer = BufferCache.shared.allocate(count: paddedRows * depth)
        let packA = simd == .avx2 ? neurite_pack_a_avx2 : neurite_pack_a_portable
        for depthStart in stride(from: 0, to: depth, by: Gemm.depthBlock) {
            let blockDepth = min(Gemm.depthBlock, depth - depthStart)
            let origin = transposeA ? a + depthStart * lda : a + depthStart
            packA(origin, lda, transposeA ? 1 : 0, alpha, rows, blockDepth, pointer + depthStart * paddedRows)
        }
    }

    deinit { BufferCache.shared.deallocate(pointer, count: Gemm.roundUp(rows, Gemm.rowTile) * depth) }

    /// Where the panel of `row` (a multiple of 6) starts in the depth block at `depthStart`, of
    /// depth `depth`, for a matrix of `rows` rows.
    static func offset(row: Int, depthStart: Int, depth: Int, rows: Int) -> Int {
        depthStart * Gemm.roundUp(rows, Gemm.rowTile) + (row / Gemm.rowTile) * Gemm.rowTile * depth
    }
}
