import NeuriteCore
import NeuriteNN
import Testing

/// The mean of the gradients of two half batches is the gradient of the whole batch (what
/// data-parallel training relies on), layer by layer of the networks `neurite train` builds.
@Suite("Half-batch gradients")
struct HalfBatchGradientTests {
    static func gradients(_ model: Module, _ inputs: Tensor, _ labels: Tensor) -> [String: [Float]] {
        for parameter in model.parameters { parameter.zeroGradient() }
        crossEntropy(logits: model(inputs), classIndices: labels).backward()
        var result: [String: [Float]] = [:]
        for (name, parameter) in model.namedParameters { result[name] = parameter.gradient!.scalars }
        return result
    }

    @Test(arguments: [32, 12])
    func twoConvNetwork(batch: Int) {
        var generator = PhiloxGenerator(seed: 2)
        let model = Sequential([
            Conv2D(1, 32, kernelSize: 3, padding: 1, generator: &generator), ReLU(), MaxPool2D(kernelSize: 2),
            Conv2D(32, 64, kernelSize: 3, padding: 1, generator: &generator), ReLU(), MaxPool2D(kernelSize: 2), Flatten(),
            Dense(3136, 128, generator: &generator), ReLU(), Dense(128, 10, generator: &generator),
        ])
        let inputs = Tensor.uniform([batch, 1, 28, 28], low: 0, high: 1, generator: &generator)
        let labels = Tensor((0..<batch).map { Float($0 % 10) }, shape: [batch])
        let whole = Self.gradients(model, inputs, labels)
        let half = batch / 2
        let first = Self.gradients(model, inputs[0..<half], labels[0..<half])
        let second = Self.gradients(model, inputs[half..<batch], labels[half..<batch])
        for (name, values) in whole {
            let mean = zip(first[name]!, second[name]!).map { ($0 + $1) / 2 }
            let scale = values.map { abs($0) }.max()!
            let difference = zip(values, mean).map { abs($0 - $1) }.max()!
            #expect(difference <= 1e-5 * scale, "\(name): \(difference) against gradients up to \(scale)")
        }
    }
}
