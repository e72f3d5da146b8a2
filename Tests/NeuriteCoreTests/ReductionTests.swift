import NeuriteCore
import Testing
import _NeuriteTestSupport

@Suite("Reductions")
struct ReductionTests {
    static let x = patterned([2, 3, 4], 5)

    @Test func valuesMatchNumpy() {
        let x = Self.x
        expectClose(x.sum(axis: 1), numpy("sum_axes1"))
        expectClose(x.sum(axes: [0, 2], keepDims: true), numpy("sum_axes02_keep"))
        expectClose(x.sum(axes: [-1, 0], keepDims: true), numpy("sum_axes02_keep"))
        expectClose(x.sum(), numpy("sum_all"))
        expectClose(x.mean(axis: 2), numpy("mean_axis2"))
        expectClose(x.variance(axis: 1), numpy("variance_axis1"))
        expectClose(x.variance(correction: 0), numpy("variance_all_biased"))
        expectClose(x.max(axis: 0), numpy("max_axis0"))
        expectClose(x.min(axes: [1, 2]), numpy("min_axes12"))
        expectClose(x.argmax(axis: 2), numpy("argmax_axis2"))
        expectClose(x.argmin(axis: -2), numpy("argmin_axis1"))
        expectClose(x.logSumExp(axes: [0, 2]), numpy("logsumexp_axes02"))
    }

    @Test func shapesWithAndWithoutKeepDims() {
        let x = Self.x
        #expect(x.sum(axis: 1).shape == [2, 4])
        #expect(x.sum(axis: 1, keepDims: true).shape == [2, 1, 4])
        #expect(x.max(axes: [0, 2]).shape == [3])
        #expect(x.sum().shape == [])
        #expect(x.sum(axes: []).shape == [2, 3, 4])
        #expect(x.argmax(axis: 0, keepDims: true).shape == [1, 3, 4])
        #expect(x.argmax().shape == [])
    }

    @Test func emptyAxes() {
        let empty = Tensor.zeros([0, 3])
        #expect(empty.sum(axis: 0).scalars == [0, 0, 0])
        #expect(empty.sum().scalar == 0)
        #expect(empty.mean().scalar.isNaN)
        #expect(empty.sum(axis: 1).shape == [0])
        #expect(empty.max(axis: 1).shape == [0])
    }

    @Test func argmaxTakesTheFirstOfTiesAndNaNWins() {
        #expect(Tensor([1, 3, 3, 2]).argmax().scalar == 1)
        #expect(Tensor([1, 3, .nan, 7]).argmax().scalar == 2)
        #expect(Tensor([4, 1, 1]).argmin().scalar == 1)
        #expect(Tensor([[1, 9], [8, 2]].flatMap { $0 }, shape: [2, 2]).argmax().scalar == 1)
    }

    @Test func logSumExpIsStableForLargeAndInfiniteInputs() {
        // The stable softmax of [1000, 1001, 1002] (golden part1, float32).
        // Shifting by the maximum first, as PyTorch's log_softmax does, avoids cancelling two
        // numbers near 1000 and reproduces its float32 values.
        let logits = Tensor([1000, 1001, 1002])
        let shifted = logits - logits.max()
        expectClose(exp(shifted - shifted.logSumExp(axis: 0)), [0.0900305733, 0.2447284758, 0.6652409434])
        expectClose(shifted - shifted.logSumExp(axis: 0), [-2.4076058865, -1.4076058865, -0.4076059461])
        expectClose(logits.logSumExp(axis: 0), [1002.4076059644])
        #expect(Tensor([-.infinity, -.infinity]).logSumExp(axis: 0).scalar == -.infinity)
        #expect(Tensor([-.infinity, 0]).logSumExp(axis: 0).scalar == 0)
    }

    @Test(arguments: [[[4], [0]], [[2, 3], [1]], [[2, 3], [0, 1]], [[2, 3, 2], [0, 2]], [[3, 1, 2], [-1]], [[0, 3], [1]]])
    func gradientsMatchFiniteDifferences(shapeAndAxes: [[Int]]) {
        let (shape, axes) = (shapeAndAxes[0], shapeAndAxes[1])
        let x = fixture(shape, seed: 21)
        expectGradientsMatch([x]) { $0[0].sum(axes: axes) }
        expectGradientsMatch([x]) { $0[0].sum(axes: axes, keepDims: true) * 2 }
        expectGradientsMatch([x]) { $0[0].mean(axes: axes) }
        expectGradientsMatch([x]) { $0[0].logSumExp(axes: axes) }
        expectGradientsMatch([x]) { $0[0].max(axes: axes) }
        expectGradientsMatch([x]) { $0[0].min(axes: axes, keepDims: true) }
        if axes.reduce(1, { $0 * shape[($1 + shape.count) % shape.count] }) > 1 {
            expectGradientsMatch([x]) { $0[0].variance(axes: axes) }
        }
        expectGradientsMatch([x]) { $0[0].sum() }
    }

    @Test func maxSharesTheGradientAmongTies() {
        // PyTorch's amax: ties share equally.
        let g = gradients(at: [Tensor([1, 3, 3, 2])]) { $0[0].max() }
        #expect(g[0]?.scalars == [0, 0.5, 0.5, 0])
        let h = gradients(at: [Tensor([[1, 1], [0, 2]].flatMap { $0 }, shape: [2, 2])]) { $0[0].min(axis: 1).sum() }
        #expect(h[0]?.scalars == [0.5, 0.5, 1, 0])
    }

    @Test func sumToShapeUndoesBroadcasting() {
        let g = Tensor.ones([2, 3, 4])
        #expect(g.sum(toShape: [3, 1]).scalars == [8, 8, 8])
        #expect(g.sum(toShape: [1, 4]).shape == [1, 4])
        #expect(g.sum(toShape: []).scalar == 24)
    }

    @Test func longSumsKeepFloatPrecision() {
        // 10⁶ copies of 0.1 sum to 100000 ± rounding of the result; naive Float summation drifts
        // to about 100958.
        let s = Tensor.full([1_000_000], value: 0.1).sum().scalar
        #expect(abs(s - 100_000) < 0.01)
    }

    @Test func allFiniteLooksAtEveryElement() {
        #expect(Tensor([1, -2, 3]).allFinite)
        #expect(Tensor.zeros([0]).allFinite)
        #expect(Tensor(Float.greatestFiniteMagnitude).allFinite)
        #expect(!Tensor([1, .nan, 3]).allFinite)
        #expect(!Tensor.full([3, 700], value: 1).withValue(-.infinity, at: 2_099).allFinite)
    }
}

extension Tensor {
    /// A copy with one element (in row-major order) replaced.
    fileprivate func withValue(_ value: Float, at index: Int) -> Tensor {
        var values = scalars
        values[index] = value
        return Tensor(values, shape: shape)
    }
}
