/// Single-precision general matrix multiply on row-major operands:
/// `C ← alpha · op(A) · op(B) + beta · C`, where `op(X)` is `X` or `Xᵀ`.
///
/// Shapes: `op(A)` is `m × k`, `op(B)` is `k × n`, `C` is `m × n`; `lda`, `ldb` and `ldc` are the
/// row strides (leading dimensions) of the stored matrices. As in BLAS, `beta == 0` overwrites `C`
/// without reading it (NaN in uninitialised memory does not propagate).
///
/// Each element of `C` is summed over `k` in increasing order, whatever the blocking, so results do
/// not depend on cache sizes or threads.
public enum Gemm {
    /// Rows of `B` kept hot in cache per pass over `A`.
    @usableFromInline static let depthBlock = 256

    public static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        // Bring transposed operands to row-major panels once: the inner loop then streams rows.
        let packedA = transposeA ? transposedCopy(a, rows: k, columns: m, stride: lda) : nil
        let packedB = transposeB ? transposedCopy(b, rows: n, columns: k, stride: ldb) : nil
        defer { packedA?.deallocate(); packedB?.deallocate() }
        let aRows = packedA.map { UnsafePointer($0) } ?? a
        let bRows = packedB.map { UnsafePointer($0) } ?? b
        let strideA = transposeA ? k : lda
        let strideB = transposeB ? n : ldb

        for i in 0..<m {
            let row = c + i * ldc
            if beta == 0 {
                row.update(repeating: 0, count: n)
            } else if beta != 1 {
                for j in 0..<n { row[j] *= beta }
            }
        }
        var depthStart = 0
        while depthStart < k {
            let depthEnd = min(depthStart + depthBlock, k)
            for i in 0..<m {
                let row = c + i * ldc
                let aRow = aRows + i * strideA
                for p in depthStart..<depthEnd {
                    let scale = alpha * aRow[p]
                    let bRow = bRows + p * strideB
                    for j in 0..<n { row[j] += scale * bRow[j] }
                }
            }
            depthStart = depthEnd
        }
    }

    /// A contiguous `columns × rows` copy of the `rows × columns` matrix at `x`.
    static func transposedCopy(_ x: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int)
        -> UnsafeMutablePointer<Float>
    {
        let out = UnsafeMutablePointer<Float>.allocate(capacity: max(rows * columns, 1))
        let tile = 32
        for r0 in Swift.stride(from: 0, to: rows, by: tile) {
            for c0 in Swift.stride(from: 0, to: columns, by: tile) {
                for r in r0..<min(r0 + tile, rows) {
                    for col in c0..<min(c0 + tile, columns) { out[col * rows + r] = x[r * stride + col] }
                }
            }
        }
        return out
    }
}
