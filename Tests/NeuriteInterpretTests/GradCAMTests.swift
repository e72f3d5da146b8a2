import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteInterpret
import NeuriteNN
import Testing
import _NeuriteTestSupport

/// Grad-CAM against Captum's `LayerGradCam` on the 2-conv network (PyTorch's weights), target 3,
/// on both ReLU layers after the convolutions, signed and with ReLU, and the upsampled maps.
@Suite("Grad-CAM: Captum's values")
struct GradCAMTests {
    let fixtures = ConvTextFixtures.shared

    func network() throws -> (Sequential, Tensor) {
        var generator = PhiloxGenerator(seed: 0)
        let model = Sequential([
            Conv2D(1, 32, kernelSize: 3, padding: 1, generator: &generator), ReLU(), MaxPool2D(kernelSize: 2),
            Conv2D(32, 64, kernelSize: 3, padding: 1, generator: &generator), ReLU(), MaxPool2D(kernelSize: 2), Flatten(),
            Dense(3136, 128, generator: &generator), ReLU(), Dense(128, 10, generator: &generator),
        ])
        let net = try fixtures.load("two_conv_net/mnist_like")
        let state = net.tensors.filter { $0.key.hasPrefix("state/") }
        _ = try model.loadStateDict(Dictionary(uniqueKeysWithValues: state.map { (String($0.key.dropFirst(6)), $0.value) }))
        model.eval()
        return (model, net["input"])
    }

    @Test(arguments: [("conv1_relu", "1"), ("conv2_relu", "4")])
    func mapsMatchCaptum(case name: String, layer: String) throws {
        let (model, input) = try network()
        let item = try fixtures.load("gradcam/\(name)")
        func tolerance(_ key: String) -> Float { max(1e-4 * item[key].scalars.map(abs).max()!, 1e-9) }
        let signed = GradCAM(model: model, layer: layer, inputs: input, target: 3)
        expectClose(signed.map, item["attr"], absoluteTolerance: tolerance("attr"), relativeTolerance: 0, "\(name) map")
        expectClose(
            signed.channelWeights, item["channel_weights_alpha"].reshaped(signed.channelWeights.shape),
            absoluteTolerance: tolerance("channel_weights_alpha"), relativeTolerance: 0, "\(name) α")
        let rectified = GradCAM(model: model, layer: layer, inputs: input, target: 3, reluAttributions: true)
        expectClose(rectified.map, item["attr_relu"], absoluteTolerance: tolerance("attr_relu"), relativeTolerance: 0, "\(name) relu map")
        if name == "conv2_relu" {
            for (key, mode) in [("up28_nearest", GradCAM.Interpolation.nearest), ("up28_bilinear", .bilinear)] {
                expectClose(
                    signed.upsampled(to: [28, 28], mode: mode), item["attr_\(key)"], absoluteTolerance: tolerance("attr_\(key)"),
                    relativeTolerance: 0, "\(key)")
                expectClose(
                    rectified.upsampled(to: [28, 28], mode: mode), item["attr_relu_\(key)"], absoluteTolerance: tolerance("attr_relu_\(key)"),
                    relativeTolerance: 0, "relu \(key)")
            }
        }
        // The parameters' gradients are left as they were (none).
        #expect(model.parameters.allSatisfy { $0.gradient == nil })
    }
}
