import Foundation
import Neurite
import NeuriteKernels

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

    // The first three layers as `Sequential` runs them in training: one fused operation
    // (`convolutionRectifiedMaxPool`), the images needing no gradient.
    let opening = Sequential(Array(model.layers.prefix(3)))
    let openingUpstream = Tensor.normal(withoutGradients { opening(images) }.shape, generator: &generator)
    let openingForward = medianSeconds(budget: budget) { _ = withoutGradients { opening(images) } }
    let openingBoth = medianSeconds(budget: budget) {
        opening(images).backward(openingUpstream)
        for parameter in opening.parameters { parameter.zeroGradient() }
    }
    print(
        "\(padded("0–2 fused (convolution, ReLU, pool)", 34)) \(padded(formatted(openingForward * 1000, decimals: 2), 9)) \(padded(formatted(openingBoth * 1000, decimals: 2), 9))"
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

/// The second convolution's three products (batch 128, 32 → 64 channels, 14×14, "same") by
/// unfolding and GEMM (`SampleConvolution`) and by Winograd's F(2×2, 3×3)
/// (`WinogradConvolution`), on one thread and on all: milliseconds, medians.
func runConvolutionKernelBenchmarks(quick: Bool) {
    let geometry = WindowGeometry(
        batch: 128, channels: 32, height: 14, width: 14, kernelHeight: 3, kernelWidth: 3, strideY: 1, strideX: 1, dilationY: 1,
        dilationX: 1, padTop: 1, padLeft: 1, outputHeight: 14, outputWidth: 14)
    let outChannels = 64
    var generator = PhiloxGenerator(seed: 3)
    let input = Tensor.uniform([128, 32, 14, 14], low: -1, high: 1, generator: &generator).scalars
    let weight = Tensor.uniform([64, 32, 3, 3], low: -0.1, high: 0.1, generator: &generator).scalars
    let upstream = Tensor.uniform([128, 64, 14, 14], low: -1, high: 1, generator: &generator).scalars
    var output = [Float](repeating: 0, count: upstream.count)
    var inputGradient = [Float](repeating: 0, count: input.count)
    var weightGradient = [Float](repeating: 0, count: weight.count)
    let budget = quick ? 0.3 : 1.0
    print("\nThe second convolution's products by method (ms): forward, input gradient, weight gradient")
    for threads in [1, Threading.maximumThreads] {
        let unfolded = [
            medianSeconds(budget: budget) {
                SampleConvolution.forward(input, geometry, weight: weight, outChannels: outChannels, bias: nil, into: &output, threads: threads)
            },
            medianSeconds(budget: budget) {
                SampleConvolution.inputGradient(
                    upstream, geometry, weight: weight, outChannels: outChannels, accumulatingInto: &inputGradient, threads: threads)
            },
            medianSeconds(budget: budget) {
                SampleConvolution.weightGradient(
                    upstream, input: input, geometry, outChannels: outChannels, into: &weightGradient, threads: threads)
            },
        ]
        let winograd = [
            medianSeconds(budget: budget) {
                WinogradConvolution.forward(input, geometry, weight: weight, outChannels: outChannels, bias: nil, into: &output, threads: threads)
            },
            medianSeconds(budget: budget) {
                WinogradConvolution.inputGradient(
                    upstream, geometry, weight: weight, outChannels: outChannels, accumulatingInto: &inputGradient, threads: threads)
            },
            medianSeconds(budget: budget) {
                WinogradConvolution.weightGradient(
                    upstream, input: input, geometry, outChannels: outChannels, into: &weightGradient, threads: threads)
            },
        ]
        for (name, times) in [("unfold + GEMM", unfolded), ("Winograd F(2x2,3x3)", winograd)] {
            print("\(padded(name, 22)) \(threads) thread(s): " + times.map { padded(formatted($0 * 1000, decimals: 2), 7) }.joined(separator: " "))
        }
    }
}
