import NeuriteCore
import NeuriteNN
import Testing
import _NeuriteTestSupport

@Suite("Initializers")
struct InitializerTests {
    func sample(_ initializer: Initializer, _ shape: [Int]) -> Tensor {
        var generator = PhiloxGenerator(seed: 21)
        return initializer.make(shape, generator: &generator)
    }

    @Test func fansAndGainsMatchPyTorch() {
        #expect(Initializer.fans(of: [16, 3, 3, 3]) == (27, 144))  // golden part5, conv 3→16, 3×3
        #expect(Initializer.fans(of: [30, 20]) == (20, 30))
        let gains = Initializer.Nonlinearity.self
        #expect(gains.linear.gain() == 1 && gains.sigmoid.gain() == 1 && gains.selu.gain() == 0.75)
        #expect(abs(gains.tanh.gain() - 1.6666666667) < 1e-6)
        #expect(abs(gains.relu.gain() - 1.4142135624) < 1e-6)
        #expect(abs(gains.leakyRelu.gain() - 1.4141428570) < 1e-6)
        #expect(abs(gains.leakyRelu.gain(negativeSlope: Float(5).squareRoot()) - 0.5773502692) < 1e-6)
    }

    @Test func uniformFamiliesStayWithinTheirBounds() {
        // golden part5: xavier_uniform(1000×500) bound 0.0632, kaiming_uniform(relu, fan_in 500) 0.1095.
        let xavier = sample(.xavierUniform(), [1000, 500])
        #expect(xavier.scalars.allSatisfy { abs($0) <= 0.06324555 })
        #expect(xavier.max().scalar > 0.0632 && xavier.min().scalar < -0.0632)
        let kaiming = sample(.kaimingUniform(), [1000, 500])
        #expect(kaiming.scalars.allSatisfy { abs($0) <= 0.10954452 })
        #expect(abs(kaiming.variance().scalar - 0.10954451 * 0.10954451 / 3) < 1e-4)
        let dense = sample(.kaimingUniform(a: Float(5).squareRoot()), [30, 20])
        #expect(dense.scalars.allSatisfy { abs($0) <= 0.2236068 })
    }

    @Test func normalFamiliesHaveTheirStandardDeviation() {
        // golden part5: xavier_normal std 0.0365 (1000×500); kaiming_normal fan_out std 0.0447.
        let xavier = sample(.xavierNormal(), [1000, 500])
        #expect(abs(xavier.variance().scalar.squareRoot() - 0.03651484) < 3e-4)
        #expect(abs(xavier.mean().scalar) < 3e-4)
        let kaiming = sample(.kaimingNormal(mode: .fanOut, nonlinearity: .relu), [1000, 500])
        #expect(abs(kaiming.variance().scalar.squareRoot() - 0.04472136) < 3e-4)
        let normal = sample(.normal(mean: 1, standardDeviation: 2), [100_000])
        #expect(abs(normal.mean().scalar - 1) < 0.03 && abs(normal.variance().scalar.squareRoot() - 2) < 0.03)
        let truncated = sample(.truncatedNormal(), [100_000])
        #expect(truncated.scalars.allSatisfy { abs($0) <= 2 })
        // The standard normal truncated to [−2, 2] has variance 0.7737.
        #expect(abs(truncated.variance().scalar - 0.7737) < 0.01)
        #expect(sample(.constant(0.5), [3]).scalars == [0.5, 0.5, 0.5])
        #expect(sample(.uniform(low: 2, high: 3), [1000]).scalars.allSatisfy { $0 >= 2 && $0 < 3 })
    }

    @Test(arguments: [[4, 4], [3, 7], [7, 3], [2, 3, 2]])
    func orthogonalHasOrthonormalRowsOrColumns(shape: [Int]) {
        let w = sample(.orthogonal(gain: 2), shape).reshaped([shape[0], -1]) / 2
        let product = shape[0] <= w.shape[1] ? matmul(w, w.transposed()) : matmul(w.transposed(), w)
        expectClose(product, Tensor.identity(product.shape[0]), absoluteTolerance: 1e-5)
    }
}
