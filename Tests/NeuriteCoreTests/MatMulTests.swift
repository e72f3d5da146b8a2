import NeuriteCore
import Testing
import _NeuriteTestSupport

@Suite("Matrix multiplication")
struct MatMulTests {
    @Test func smallProductByHand() {
        let a = Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        let b = Tensor(rows: [[7, 8], [9, 10], [11, 12]])
        #expect(matmul(a, b) == Tensor(rows: [[58, 64], [139, 154]]))
    }

    @Test func shapesAndValuesMatchNumpy() {
        expectClose(matmul(patterned([2, 1, 3, 4], 5), patterned([3, 4, 2], 7)), numpy("matmul_batched"))
        expectClose(matmul(patterned([3, 4], 5), patterned([4], 7)), numpy("matmul_matrix_vector"))
        expectClose(matmul(patterned([4], 5), patterned([4, 5], 7)), numpy("matmul_vector_matrix"))
        expectClose(matmul(patterned([4], 5), patterned([4], 7)), numpy("matmul_vector_vector"))
        expectClose(matmul(patterned([33, 70], 5), patterned([70, 19], 7)), numpy("matmul_large"))
    }

    @Test func emptyInnerDimensionGivesZeros() {
        #expect(matmul(Tensor.zeros([2, 0]), Tensor.zeros([0, 3])) == Tensor.zeros([2, 3]))
        #expect(matmul(Tensor.zeros([0, 4]), Tensor.zeros([4, 3])).shape == [0, 3])
    }

    @Test(arguments: [
        ([3, 4], [4, 2]), ([2, 3, 4], [4, 5]), ([2, 1, 2, 3], [3, 3, 2]), ([4], [4, 3]), ([3, 4], [4]), ([4], [4]), ([1, 3], [3, 1]),
        ([0, 3], [3, 2]), ([2, 0], [0, 3]),
    ])
    func gradientsMatchFiniteDifferences(lhsShape: [Int], rhsShape: [Int]) {
        expectGradientsMatch([fixture(lhsShape, seed: 31), fixture(rhsShape, seed: 32)]) { matmul($0[0], $0[1]) }
    }

    @Test func gradientFormulaOnAKnownCase() {
        // L = Σ A·B, so ∂L/∂A = 1·Bᵀ (row sums of B) and ∂L/∂B = Aᵀ·1 (column sums of A).
        let a = Tensor(rows: [[1, 2], [3, 4]]), b = Tensor(rows: [[5, 6, 7], [8, 9, 10]])
        let g = gradients(at: [a, b]) { matmul($0[0], $0[1]).sum() }
        #expect(g[0]?.scalars == [18, 27, 18, 27])
        #expect(g[1]?.scalars == [4, 4, 4, 6, 6, 6])
    }

    @Test func innerDimensionMismatchNamesBothShapes() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor.zeros([128, 784]), Tensor.zeros([256, 10]))
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("matmul: [128, 784] × [256, 10]: inner dimensions 784 and 256 differ"))
        }
    }
}

@Suite("Matrix multiplication with transposed operands")
struct TransposedMatMulTests {
    @Test(arguments: [false, true], [false, true])
    func equalsMultiplyingMaterialisedTransposes(transposeA: Bool, transposeB: Bool) {
        let a = fixture(transposeA ? [2, 4, 3] : [2, 3, 4], seed: 51)
        let b = fixture(transposeB ? [5, 4] : [4, 5], seed: 52)
        let expected = matmul(transposeA ? a.transposed() : a, transposeB ? b.transposed() : b)
        expectClose(matmul(a, b, transposeA: transposeA, transposeB: transposeB), expected)
        expectGradientsMatch([a, b]) { matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB) }
    }
}
