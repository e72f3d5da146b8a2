import NeuriteCore
import Testing
import _NeuriteTestSupport

@Suite("Elementwise arithmetic and broadcasting")
struct ArithmeticTests {
    static let shapePairs: [([Int], [Int])] = [([2, 3], [3]), ([2, 1], [1, 3]), ([3, 1, 2], [4, 1]), ([], [2, 3]), ([0, 3], [3])]

    @Test(arguments: shapePairs)
    func valuesMatchNumpy(lhsShape: [Int], rhsShape: [Int]) {
        let a = patterned(lhsShape, 5), b = patterned(rhsShape, 7)
        let tag = "\(lhsShape)_\(rhsShape)".filter { $0 != " " }
        expectClose(a + b, numpy("add\(tag)"))
        expectClose(a - b, numpy("subtract\(tag)"))
        expectClose(a * b, numpy("multiply\(tag)"))
        expectClose(a / positive(rhsShape, 7), numpy("divide\(tag)"))
    }

    @Test(arguments: shapePairs)
    func gradientsSumOverBroadcastAxes(lhsShape: [Int], rhsShape: [Int]) {
        let a = fixture(lhsShape, seed: 1), b = fixture(rhsShape, seed: 2)
        let denominator = fixture(rhsShape, seed: 3, low: 0.5, high: 2)
        expectGradientsMatch([a, b]) { $0[0] + $0[1] }
        expectGradientsMatch([a, b]) { $0[0] - $0[1] }
        expectGradientsMatch([a, b]) { $0[0] * $0[1] }
        expectGradientsMatch([a, denominator]) { $0[0] / $0[1] }
        expectGradientsMatch([b, a]) { $0[0] * $0[1] - $0[1] }
        // With an empty operand nothing flows back, but the gradients still have the right shapes.
        let g = gradients(at: [a, b]) { ($0[0] * $0[1]).sum() }
        #expect(g[0]?.shape == lhsShape && g[1]?.shape == rhsShape)
    }

    @Test func scalarOperandsOnEitherSide() {
        let x = Tensor([1, 2, 4])
        #expect((x + 1).scalars == [2, 3, 5])
        #expect((1 + x).scalars == [2, 3, 5])
        #expect((x - 1).scalars == [0, 1, 3])
        #expect((1 - x).scalars == [0, -1, -3])
        #expect((x * 2).scalars == [2, 4, 8])
        #expect((2 * x).scalars == [2, 4, 8])
        #expect((x / 2).scalars == [0.5, 1, 2])
        #expect((2 / x).scalars == [2, 1, 0.5])
        #expect((-x).scalars == [-1, -2, -4])
        let p = fixture([2, 3], seed: 4, low: 0.5, high: 2)
        expectGradientsMatch([p]) { 3 / $0[0] + 2 * $0[0] - 1 - $0[0] / 4 + (5 - $0[0]) * 1.5 }
    }

    @Test func compoundAssignmentRecordsWhenGradientsAreOn() {
        var x = Tensor([1, 2], requiresGradient: true)
        let leaf = x
        x += Tensor([3, 3])
        x *= 2
        #expect(!x.isLeaf)
        x.sum().backward()
        #expect(leaf.gradient?.scalars == [2, 2])
    }

    @Test func compoundAssignmentUpdatesALeafInPlaceWithoutGradients() {
        var w = Tensor([1, 2], requiresGradient: true)
        (w * w).sum().backward()
        withoutGradients { w -= 0.5 * w.gradient! }
        #expect(w.isLeaf)
        #expect(w.scalars == [0, 0])
        #expect(w.gradient?.scalars == [2, 4])
        var bias = Tensor.zeros([2, 3])
        bias += Tensor([1, 2, 3])  // broadcast into the left-hand shape
        #expect(bias.scalars == [1, 2, 3, 1, 2, 3])
    }

    @Test func incompatibleShapesArePreconditionsNamingThem() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("add: shapes [2, 3] and [4] cannot be broadcast"))
        }
    }
}
