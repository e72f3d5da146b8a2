import NeuriteCore
import NeuriteNN
import Testing
import _NeuriteTestSupport

@Suite("Losses")
struct LossTests {
    // golden_values.json part1 (PyTorch, float64).
    static let logits = Tensor(rows: [[2, 1, 0.1], [0.5, 2.5, 0.3], [1.2, 0.2, 3.1], [0, 0, 0]])
    static let targets = Tensor([0, 1, 2, 1])

    @Test func meanSquaredErrorMatchesPyTorch() {
        let p = Tensor([0.9, 0.2, 0.6]), y = Tensor([1, 0, 1])
        expectClose(meanSquaredError(p, y), [0.07])
        expectClose(meanSquaredError(p, y, reduction: .sum), [0.21])
        expectClose(meanSquaredError(p, y, reduction: .none), [0.01, 0.04, 0.16])
        #expect(gradients(at: [Tensor([0.5, 1])]) { meanSquaredError($0[0], Tensor([0, 0])) }[0]?.scalars == [0.5, 1])
    }

    @Test func binaryCrossEntropyOnProbabilitiesClampsTheLog() {
        expectClose(binaryCrossEntropy(probabilities: Tensor([0.9, 0.2, 0.6]), targets: Tensor([1, 0, 1])), [0.2797765636])
        expectClose(binaryCrossEntropy(probabilities: Tensor([0, 1]), targets: Tensor([1, 0]), reduction: .none), [100, 100])
    }

    @Test func binaryCrossEntropyOnLogitsIsStable() {
        let x = Tensor([2, -1, 0.5]), y = Tensor([1, 0, 1])
        expectClose(binaryCrossEntropy(logits: x, targets: y), [0.3047555609])
        expectClose(binaryCrossEntropy(logits: x, targets: y, reduction: .none), [0.126928011, 0.3132616875, 0.4740769842])
        expectClose(
            binaryCrossEntropy(logits: x, targets: y, positiveWeight: Tensor([3]), reduction: .none),
            [0.3807840331, 0.3132616875, 1.4222309525])
        // float32 extremes: exact on logits, clamped to 100 after a saturated sigmoid.
        expectClose(binaryCrossEntropy(logits: Tensor([20, 40]), targets: Tensor([0, 0]), reduction: .none), [20, 40])
        expectClose(binaryCrossEntropy(probabilities: sigmoid(Tensor([20, 40])), targets: Tensor([0, 0]), reduction: .none), [100, 100])
    }

    @Test func crossEntropyMatchesPyTorchInEveryOption() {
        let (x, y) = (Self.logits, Self.targets)
        expectClose(crossEntropy(logits: x, classIndices: y), [0.4804581537])
        expectClose(crossEntropy(logits: x, classIndices: y, reduction: .none), [0.4170300163, 0.220049523, 0.186140787, 1.0986122887])
        expectClose(crossEntropy(logits: x, classIndices: y, reduction: .sum), [1.9218326149])
        expectClose(crossEntropy(logits: x, classIndices: y, labelSmoothing: 0.1), [0.5796248204])
        expectClose(
            crossEntropy(logits: x, classIndices: y, labelSmoothing: 0.1, reduction: .none),
            [0.5136966829, 0.360049523, 0.346140787, 1.0986122887])
        let ignoring = Tensor([0, -100, 2, 1])
        expectClose(crossEntropy(logits: x, classIndices: ignoring), [0.5672610306])
        expectClose(crossEntropy(logits: x, classIndices: ignoring, reduction: .none), [0.4170300163, 0, 0.186140787, 1.0986122887])
        let weights = Tensor([1, 2, 0.5])
        expectClose(crossEntropy(logits: x, classIndices: y, weights: weights), [0.5722589151])
        expectClose(crossEntropy(logits: x, classIndices: y, weights: weights, reduction: .sum), [3.1474240331])
        expectClose(crossEntropy(logits: x, classIndices: y, weights: weights, labelSmoothing: 0.1), [0.6391325033])
        #expect(crossEntropy(logits: x, classIndices: Tensor([-100, -100, -100, -100])).scalar.isNaN)
        let probabilities = Tensor(rows: [[0.7, 0.2, 0.1], [0, 1, 0], [0.1, 0.1, 0.8], [1.0 / 3, 1.0 / 3, 1.0 / 3]])
        expectClose(crossEntropy(logits: x, probabilities: probabilities), [0.6979581537])
        expectClose(negativeLogLikelihood(logProbabilities: logSoftmax(x, axis: 1), classIndices: y), [0.4804581537])
        // The classic bug, a softmax before the loss, gives PyTorch's value too.
        expectClose(crossEntropy(logits: softmax(x, axis: 1), classIndices: y), [0.8141125089])
    }

    @Test func crossEntropyGradientIsSoftmaxMinusOneHot() {
        let g = gradients(at: [Tensor(rows: [[2, 1, 0.1]])]) { crossEntropy(logits: $0[0], classIndices: Tensor([0])) }
        expectClose(g[0]!, [-0.3409988611, 0.2424329707, 0.0985658904])
    }

    @Test func crossEntropyAcceptsSpatialAndUnbatchedLogits() {
        // [N, C, d] with targets [N, d] equals the same rows laid out as [N·d, C].
        let spatial = fixture([2, 3, 4], seed: 9)
        let targets = Tensor([0, 1, 2, 1, 2, 0, 0, 1], shape: [2, 4])
        let rows = spatial.permuted([0, 2, 1]).reshaped([8, 3])
        expectClose(
            crossEntropy(logits: spatial, classIndices: targets, reduction: .none),
            crossEntropy(logits: rows, classIndices: targets.reshaped([8]), reduction: .none).reshaped([2, 4]))
        expectClose(crossEntropy(logits: Tensor([2, 1, 0.1]), classIndices: Tensor(0)), [0.4170300163])
    }

    @Test func gradientsMatchFiniteDifferences() {
        let x = fixture([4, 3], seed: 11)
        let probabilities = fixture([4, 3], seed: 12, low: 0.05, high: 0.95)
        let binaryTargets = Tensor([1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0], shape: [4, 3])
        expectGradientsMatch([x, fixture([4, 3], seed: 13)]) { meanSquaredError($0[0], $0[1]) }
        expectGradientsMatch([probabilities]) { binaryCrossEntropy(probabilities: $0[0], targets: binaryTargets) }
        expectGradientsMatch([x]) { binaryCrossEntropy(logits: $0[0], targets: binaryTargets, positiveWeight: Tensor([3, 1, 0.5]), reduction: .sum) }
        expectGradientsMatch([x]) {
            crossEntropy(logits: $0[0], classIndices: Tensor([0, 2, -100, 1]), weights: Tensor([1, 2, 0.5]), labelSmoothing: 0.2)
        }
        expectGradientsMatch([x]) { crossEntropy(logits: $0[0], probabilities: Tensor.full([4, 3], value: 1.0 / 3), labelSmoothing: 0.1) }
        expectGradientsMatch([x]) { negativeLogLikelihood(logProbabilities: $0[0], classIndices: Tensor([0, 1, 2, 1]), reduction: .none) }
    }

    @Test func l2PenaltySumsSquaredParameters() {
        let layer = Dense(2, 2)
        let expected = layer.parameters.reduce(Float(0)) { $0 + $1.value.scalars.reduce(0) { $0 + $1 * $1 } }
        expectClose(l2Penalty(layer.parameters), [expected])
    }
}
