import NeuriteCore
import Testing

@Suite("Learning XOR with raw tensors")
struct XORTests {
    @Test func twoLayerNetworkWithHandWrittenSGDLearnsXOR() {
        let inputs = Tensor([0, 0, 0, 1, 1, 0, 1, 1], shape: [4, 2])
        let targets = Tensor([0, 1, 1, 0], shape: [4, 1])
        var generator = PhiloxGenerator(seed: 2024)
        var w1 = Tensor.normal([2, 8], generator: &generator).requiringGradient()
        var b1 = Tensor.zeros([8]).requiringGradient()
        var w2 = Tensor.normal([8, 1], generator: &generator).requiringGradient()
        var b2 = Tensor.zeros([1]).requiringGradient()

        func loss() -> Tensor {
            let prediction = sigmoid(matmul(tanh(matmul(inputs, w1) + b1), w2) + b2)
            return square(prediction - targets).mean()
        }

        let initial = withoutGradients { loss().scalar }
        for _ in 0..<1500 {
            for parameter in [w1, b1, w2, b2] { parameter.gradient = nil }
            loss().backward()
            withoutGradients {
                w1 -= w1.gradient!
                b1 -= b1.gradient!
                w2 -= w2.gradient!
                b2 -= b2.gradient!
            }
        }
        let final = withoutGradients { loss().scalar }
        #expect(initial > 0.2)
        #expect(final < 0.01, "final loss \(final)")
        let predicted = withoutGradients { sigmoid(matmul(tanh(matmul(inputs, w1) + b1), w2) + b2) .> 0.5 }
        #expect(predicted.scalars == targets.scalars)
    }
}
