import NeuriteCore
import NeuriteNN
import Testing
import _NeuriteTestSupport

@Suite("Activations")
struct ActivationTests {
    // golden_values.json part1 (PyTorch, float64) at these points.
    static let x = Tensor([-3, -1, -0.5, 0, 0.5, 1, 3])

    @Test func valuesMatchPyTorch() {
        let x = Self.x
        expectClose(relu(x), [0, 0, 0, 0, 0.5, 1, 3])
        expectClose(leakyRelu(x), [-0.03, -0.01, -0.005, 0, 0.5, 1, 3])
        expectClose(elu(x), [-0.9502129316, -0.6321205588, -0.3934693403, 0, 0.5, 1, 3])
        expectClose(gelu(x), [-0.0040496941, -0.1586552539, -0.1542687694, 0, 0.3457312306, 0.8413447461, 2.9959503059])
        expectClose(gelu(x, approximate: .tanh), [-0.0036373921, -0.1588080094, -0.1542859902, 0, 0.3457140098, 0.8411919906, 2.9963626079])
        expectClose(softplus(x), [0.0485873516, 0.3132616875, 0.4740769842, 0.6931471806, 0.9740769842, 1.3132616875, 3.0485873516])
        expectClose(silu(x), x.scalars.map { $0 / (1 + Float(Foundation_exp(Double(-$0)))) })
        expectClose(softmax(Tensor([1, 2, 3]), axis: 0), [0.0900305732, 0.2447284711, 0.6652409558])
        expectClose(logSoftmax(Tensor([1, 2, 3]), axis: 0), [-2.4076059644, -1.4076059644, -0.4076059644])
        // Keras's LeakyReLU layer default is 0.3; Neurite follows PyTorch (0.01) unless asked.
        expectClose(LeakyReLU(negativeSlope: 0.3)(x), [-0.9, -0.3, -0.15, 0, 0.5, 1, 3])
    }

    @Test func softmaxIsStableWhereTheNaiveFormulaOverflows() {
        // golden part1, float32: the naive exp/sum gives NaN on these logits.
        expectClose(softmax(Tensor([1000, 1001, 1002]), axis: 0), [0.0900305733, 0.2447284758, 0.6652409434])
        expectClose(logSoftmax(Tensor([1000, 1001, 1002]), axis: 0), [-2.4076058865, -1.4076058865, -0.4076059461])
        let rows = Tensor(rows: [[1, 2, 3], [-1000, 0, 1000]])
        expectClose(softmax(rows, axis: 1).sum(axis: 1), [1, 1])
        let wild = Tensor([-1e30, -1000, -90, 90, 1000, 1e30])
        for activation: (Tensor) -> Tensor in [
            relu, { leakyRelu($0) }, { elu($0) }, { gelu($0) }, { gelu($0, approximate: .tanh) },
            silu, { softplus($0) }, sigmoid, tanh, { softmax($0, axis: 0) }, { logSoftmax($0, axis: 0) },
        ] {
            #expect(activation(wild).scalars.allSatisfy { $0.isFinite })
        }
    }

    @Test func derivativesAtZeroMatchPyTorch() {
        // golden part12: relu 0, leaky_relu 0.01, elu 1, gelu 0.5.
        func derivative(_ f: @escaping (Tensor) -> Tensor) -> Float? { gradients(at: [Tensor([0])]) { f($0[0]).sum() }[0]?.scalar }
        #expect(derivative(relu) == 0)
        #expect(derivative { leakyRelu($0) } == 0.01)
        #expect(derivative { elu($0) } == 1)
        #expect(derivative { gelu($0) } == 0.5)
    }

    @Test(arguments: [[7], [2, 3]])
    func gradientsMatchFiniteDifferences(shape: [Int]) {
        let x = fixture(shape, seed: 3).mapForTest { $0 >= 0 ? $0 + 0.05 : $0 - 0.05 }  // off the kinks
        expectGradientsMatch([x]) { relu($0[0]) }
        expectGradientsMatch([x]) { leakyRelu($0[0], negativeSlope: 0.2) }
        expectGradientsMatch([x]) { elu($0[0], alpha: 1.5) }
        expectGradientsMatch([x]) { gelu($0[0]) }
        expectGradientsMatch([x]) { gelu($0[0], approximate: .tanh) }
        expectGradientsMatch([x]) { silu($0[0]) }
        expectGradientsMatch([x]) { softplus($0[0], beta: 2) }
        expectGradientsMatch([x]) { softmax($0[0], axis: -1) }
        expectGradientsMatch([x]) { logSoftmax($0[0], axis: 0) }
    }

    @Test func layersPrintLikeTheirConstructors() {
        #expect(ReLU().description == "ReLU()")
        #expect(LeakyReLU().description == "LeakyReLU(negativeSlope: 0.01)")
        #expect(GELU(approximate: .tanh).description == "GELU(approximate: .tanh)")
        #expect(Softmax(axis: 1).description == "Softmax(axis: 1)")
    }
}

extension Tensor {
    func mapForTest(_ body: (Float) -> Float) -> Tensor { Tensor(scalars.map(body), shape: shape) }
}
