import NeuriteKernels

/// Matrix product with NumPy's `matmul` semantics:
/// - `[m, k] × [k, n] → [m, n]`;
/// - batched: `[…, m, k] × […, k, n] → […, m, n]`, the batch axes broadcast together
///   (`[8, 1, m, k] × [5, k, n] → [8, 5, m, n]`);
/// - a vector operand `[k]` is treated as `[1, k]` on the left or `[k, 1]` on the right and that
///   axis is removed from the result (two vectors give their dot product, a scalar).
///
/// Derivatives: `∂A = G·Bᵀ` and `∂B = Aᵀ·G`, each summed over the batch axes its operand was
/// broadcast along.
/// - Precondition: the inner lengths agree and the batch axes broadcast.
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.rank >= 1 && b.rank >= 1, "matmul: \(a.shape) × \(b.shape): scalars cannot be multiplied as matrices")
    if a.rank == 1 && b.rank == 1 {
        return matmul(a.unsqueezed(axis: 0), b.unsqueezed(axis: 1)).reshaped([])
    }
    if a.rank == 1 { return matmul(a.unsqueezed(axis: 0), b).squeezed(axis: -2) }
    if b.rank == 1 { return matmul(a, b.unsqueezed(axis: 1)).squeezed(axis: -1) }
    return matmul(a, b, transposeA: false, transposeB: false)
}

/// `op(a) · op(b)`, where `op` transposes the last two axes of an operand when asked, without
/// copying it: `matmul(x, weight, transposeB: true)` multiplies by a `[out, in]` weight stored as
/// PyTorch stores it. Batch axes broadcast as in `matmul(_:_:)`.
///
/// Derivatives, for `C = op(A)·op(B)` and incoming `G`: `∂op(A) = G·op(B)ᵀ`, `∂op(B) = op(A)ᵀ·G`,
/// transposed back where the operand was transposed; each summed over broadcast batch axes.
/// - Precondition: both operands have rank ≥ 2, the inner lengths agree, the batch axes broadcast.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    if !transposeA && !transposeB && (a.rank == 1 || b.rank == 1) { return matmul(a, b) }
    precondition(a.rank >= 2 && b.rank >= 2, "matmul: \(a.shape) × \(b.shape): transposed operands need rank ≥ 2")
    let value = Tensor.matrixProduct(a, b, transposeA: transposeA, transposeB: transposeB)
    let (x, y) = (a.detached(), b.detached())
    // Each operand's gradient is a product as large as the forward one: skip those not needed.
    guard Tensor.isRecording(a, b) else { return value }
    let (needsA, needsB) = (a.activeNode != nil, b.activeNode != nil)
    return Tensor.recording("matmul", value: value, inputs: [a, b]) { g in
        let gradientA =
            !needsA
            ? nil
            : transposeA
                ? Tensor.matrixProduct(y, g, transposeA: transposeB, transposeB: true)  // op(B)·Gᵀ
                : Tensor.matrixProduct(g, y, transposeA: false, transposeB: !transposeB)  // G·op(B)ᵀ
        let gradientB =
            !needsB
            ? nil
            : transposeB
                ? Tensor.matrixProduct(g, x, transposeA: true, transposeB: transposeA)  // Gᵀ·op(A)
                : Tensor.matrixProduct(x, g, transposeA: !transposeA, transposeB: false)  // op(A)ᵀ·G
        return [gradientA?.sum(toShape: x.shape), gradientB?.sum(toShape: y.shape)]
    }
}

extension Tensor {
    /// `op(a) · op(b)` over broadcast batch axes, where `op` transposes the last two axes when
    /// asked (without copying). Values only.
    static func matrixProduct(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
        let (aRows, aColumns) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (bRows, bColumns) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transposeA ? (aColumns, aRows) : (aRows, aColumns)
        let (k2, n) = transposeB ? (bColumns, bRows) : (bRows, bColumns)
        precondition(
            k == k2, "matmul: \(a.shape)\(transposeA ? "ᵀ" : "") × \(b.shape)\(transposeB ? "ᵀ" : ""): inner dimensions \(k) and \(k2) differ")
        if a.rank == 2 && b.rank == 2 {
            // Plain matrices: no batch bookkeeping (this is the per-layer path of every network).
            return Tensor(unsafeUninitializedShape: [m, n]) { output in
                Gemm.multiply(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                    alpha: 1, a: a.storage.base, lda: aColumns, b: b.storage.base, ldb: bColumns,
                    beta: 0, c: output.baseAddress!, ldc: n)
            }
        }
        let aBatch = Array(a.shape.dropLast(2)), bBatch = Array(b.shape.dropLast(2))
        let batch = Shape.broadcast(aBatch, bBatch, operation: "matmul")
        let batchCount = batch.reduce(1, *)
        let aStrides = Shape.broadcastStrides(of: aBatch, to: batch)
        let bStrides = Shape.broadcastStrides(of: bBatch, to: batch)
        let (aMatrix, bMatrix) = (aRows * aColumns, bRows * bColumns)
        return Tensor(unsafeUninitializedShape: batch + [m, n]) { output in
            var coordinates = Array(repeating: 0, count: batch.count)
            for index in 0..<batchCount {
                var aOffset = 0, bOffset = 0
                for d in batch.indices {
                    aOffset += coordinates[d] * aStrides[d]
                    bOffset += coordinates[d] * bStrides[d]
                }
                if k == 0 {
                    (output.baseAddress! + index * m * n).update(repeating: 0, count: m * n)
                } else {
                    Gemm.multiply(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        alpha: 1, a: a.storage.base + aOffset * aMatrix, lda: aColumns,
                        b: b.storage.base + bOffset * bMatrix, ldb: bColumns,
                        beta: 0, c: output.baseAddress! + index * m * n, ldc: n)
                }
                var d = batch.count - 1
                while d >= 0 {
                    coordinates[d] += 1
                    if coordinates[d] < batch[d] { break }
                    coordinates[d] = 0
                    d -= 1
                }
            }
        }
    }
}
