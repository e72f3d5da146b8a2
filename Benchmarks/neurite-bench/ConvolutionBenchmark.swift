import Foundation
import Neurite

/// Where a training step of the 2-conv network (batch 128, 28×28) spends its time: each layer's
/// forward pass, and its forward plus backward pass, on the input it sees in the network; then
/// the whole step (forward, loss, backward, Adam). Milliseconds, medians.
func runConvolutionBenchmarks(quick: Bool, rounds: Int) throws {
    var generator = PhiloxGenerator(seed: 1)
    let model = Sequential([
        Conv2D(1, 32, kernelSize: 3, padding: 1, generator: &generator), ReLU(), MaxPool2D(kernelSize: 2),
        Conv2D(32, 64, kernelSize: 3, padding: 1, generator: &generator), ReLU(), MaxPool2D(kernelSize: 2), Flatten(),
        Dense(3136, 128, generator: &generator), ReLU(), Dense(128, 10, generator: &generator),
    ])
    let batch = 128
    let images = Tensor.uniform([batch, 1, 28, 28], low: 0, high: 1, generator: &generator)
    let labels = Tensor((0..<batch).map { Float($0 % 10) }, shape: [batch])
    let budget = quick ? 0.3 : 1.0

    print("\n2-conv network, batch \(batch): one training step by layer (ms)")
    print("\(padded("layer", 34)) \(padded("forward", 9)) \(padded("fwd+bwd", 9)) \(padded("GFLOP/s", 8))")
    var input = images
    var totalForward = 0.0, totalBoth = 0.0
    for (index, layer) in model.layers.enumerated() {
        // The first layer's input needs no gradient (as in training); later ones do.
        let x = index == 0 ? input : input.requiringGradient()
        let output = withoutGradients { layer(x) }
        let upstream = Tensor.normal(output.shape, generator: &generator)
        let forward = medianSeconds(budget: budget) { _ = withoutGradients { layer(x) } }
        let both = medianSeconds(budget: budget) {
            let y = layer(x)
            y.backward(upstream)
            for parameter in layer.parameters { parameter.zeroGradient() }
            if index > 0 { x.gradient = nil }
        }
        totalForward += forward
        totalBoth += both
        // Multiply-adds ×2 ×3 (forward and two backward products) for the layers with weights.
        var flops = 0.0
        if let conv = layer as? Conv2D {
            flops = 6 * Double(output.scalarCount) * Double(conv.inChannels / conv.groups * conv.kernelSize.reduce(1, *))
            if index == 0 { flops *= 2.0 / 3 }
        } else if let dense = layer as? Dense {
            flops = 6 * Double(batch * dense.inFeatures * dense.outFeatures)
        }
        let rate = flops > 0 ? formatted(flops / both / 1e9) : ""
        print(
            "\(padded("\(index) \(layer.layerDescription)", 34)) \(padded(formatted(forward * 1000, decimals: 2), 9)) \(padded(formatted(both * 1000, decimals: 2), 9)) \(padded(rate, 8))"
        )
        input = output
    }
    print(
        "\(padded("sum of layers", 34)) \(padded(formatted(totalForward * 1000, decimals: 2), 9)) \(padded(formatted(totalBoth * 1000, decimals: 2), 9))"
    )

    let optimizer = try Adam(model.parameters, learningRate: 1e-3)
    let step = medianSeconds(budget: budget * 3) {
        optimizer.zeroGradients()
        let loss = crossEntropy(logits: model(images), classIndices: labels)
        loss.backward()
        optimizer.step()
    }
    let steps = (60_000 + batch - 1) / batch
    print(
        "whole step (forward, loss, backward, Adam): \(formatted(step * 1000, decimals: 1)) ms; × \(steps) steps = \(formatted(step * Double(steps))) s per epoch of 60,000"
    )
}
