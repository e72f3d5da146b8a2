import NeuriteKernels
import Testing

@Suite("GEMM kernel")
struct GemmTests {
    /// C = alpha·op(A)·op(B) + beta·C by the definition, in Double.
    func reference(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: [Float], lda: Int, b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int
    ) -> [Float] {
        var result = c
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                result[i * ldc + j] = Float(Double(alpha) * sum + (beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])))
            }
        }
        return result
    }

    @Test(arguments: [false, true], [false, true])
    func matchesTheDefinition(transposeA: Bool, transposeB: Bool) {
        for (m, n, k) in [(1, 1, 1), (5, 7, 3), (17, 33, 300), (64, 10, 129)] {
            let lda = (transposeA ? m : k) + 2, ldb = (transposeB ? k : n) + 1, ldc = n + 3
            let a = (0..<((transposeA ? k : m) * lda)).map { Float(($0 * 7) % 13) / 8 - 0.7 }
            let b = (0..<((transposeB ? n : k) * ldb)).map { Float(($0 * 5) % 11) / 4 - 1.2 }
            for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25)] {
                var c = (0..<(m * ldc)).map { Float($0 % 5) - 2 }
                let expected = reference(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                                         a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                c.withUnsafeMutableBufferPointer { cBuffer in
                    Gemm.multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                                  a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: cBuffer.baseAddress!, ldc: ldc)
                }
                for index in c.indices {
                    #expect(abs(c[index] - expected[index]) <= 1e-4 * max(1, abs(expected[index])),
                            "m \(m) n \(n) k \(k) alpha \(alpha) beta \(beta) at \(index)")
                }
            }
        }
    }

    @Test func betaZeroIgnoresNaNInTheOutput() {
        var c: [Float] = [.nan, .nan]
        let a: [Float] = [1, 2], b: [Float] = [3, 4]
        c.withUnsafeMutableBufferPointer { buffer in
            Gemm.multiply(transposeA: false, transposeB: false, m: 2, n: 1, k: 1, alpha: 1,
                          a: a, lda: 1, b: b, ldb: 1, beta: 0, c: buffer.baseAddress!, ldc: 1)
        }
        #expect(c == [3, 6])
    }
}
