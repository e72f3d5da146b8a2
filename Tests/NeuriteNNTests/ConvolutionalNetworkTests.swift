import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteNN
import Testing
import _NeuriteTestSupport

/// Whole blocks and networks against PyTorch: batch norm on images, torchvision's ResNet basic
/// block and the 2-conv network, each loaded from PyTorch's state dict by its keys.
@Suite("Convolutional networks")
struct ConvolutionalNetworkTests {
    let fixtures = ConvTextFixtures.shared

    /// Loads the case's `state/…` tensors strictly, runs one forward and backward pass in the
    /// case's mode, and compares the output, every gradient and the buffers after the step.
    func check(_ module: Module, _ item: ConvTextFixtures.Case) throws {
        let state = item.tensors.filter { $0.key.hasPrefix("state/") }
        _ = try module.loadStateDict(Dictionary(uniqueKeysWithValues: state.map { (String($0.key.dropFirst(6)), $0.value) }))
        if item.entry["training"] as? Bool == false { module.eval() } else { module.train() }
        let input = item["input"].requiringGradient()
        let output = module(input)
        expectClose(output, item["output"], absoluteTolerance: item.tolerance("output"), relativeTolerance: 0, "\(item.id) output")
        output.backward(item["grad_output"])
        expectClose(input.gradient!, item["grad_input"], absoluteTolerance: item.tolerance("grad_input"), relativeTolerance: 0, "\(item.id) ∂input")
        for (name, parameter) in module.namedParameters {
            expectClose(
                parameter.gradient!, item["grad/\(name)"], absoluteTolerance: item.tolerance("grad/\(name)"), relativeTolerance: 0,
                "\(item.id) ∂\(name)")
        }
        let after = Dictionary(uniqueKeysWithValues: module.stateDict.map { ($0.key, $0.tensor) })
        for (key, expected) in item.tensors where key.hasPrefix("state_after/") {
            let name = String(key.dropFirst("state_after/".count))
            expectClose(try #require(after[name], "\(name)"), expected, absoluteTolerance: 1e-6, relativeTolerance: 1e-5, "\(item.id) \(name) after")
        }
    }

    @Test func batchNormOnImagesMatchesPyTorch() throws {
        let ids = fixtures.caseIDs(family: "batchnorm2d")
        #expect(ids.count == 5)
        for id in ids {
            let item = try fixtures.load(id)
            let r = item.resolved
            let momentum = (r["momentum"] as? Double).map { Float($0) }
            try check(BatchNorm(3, momentum: momentum, affine: r["affine"] as! Bool), item)
        }
    }

    @Test func basicBlockMatchesTorchvision() throws {
        var generator = PhiloxGenerator(seed: 0)
        let identity = BasicBlock(4, 4, generator: &generator)
        #expect(identity.downsample == nil)
        try check(identity, fixtures.load("resnet_block/identity"))
        let projected = BasicBlock(2, 4, stride: 2, generator: &generator)
        #expect(projected.stateDict.map(\.key).contains("downsample.1.running_var"))
        try check(projected, fixtures.load("resnet_block/stride2_projection"))
        #expect(try projected.outputShape(forInput: [2, 2, 7, 6]) == [2, 4, 4, 3])
    }

    /// The 2-conv network described as a model file would describe it, PyTorch's state dict loaded
    /// strictly: the same logits, loss and gradients (PyTorch computed in float32, hence 1e-4 of
    /// each tensor's largest value).
    @Test func twoConvolutionNetworkMatchesPyTorch() throws {
        let layers = [
            #"{"type":"Conv2D","config":{"in":1,"out":32,"kernel":3,"padding":1}}"#, #"{"type":"ReLU","config":{}}"#,
            #"{"type":"MaxPool2D","config":{"kernel":2}}"#, #"{"type":"Conv2D","config":{"in":32,"out":64,"kernel":3,"padding":1}}"#,
            #"{"type":"ReLU","config":{}}"#, #"{"type":"MaxPool2D","config":{"kernel":2}}"#, #"{"type":"Flatten","config":{}}"#,
            #"{"type":"Dense","config":{"in":3136,"out":128}}"#, #"{"type":"ReLU","config":{}}"#, #"{"type":"Dense","config":{"in":128,"out":10}}"#,
        ]
        let json = #"{"type":"Sequential","config":{},"children":[\#(layers.joined(separator: ","))]}"#
        var generator = PhiloxGenerator(seed: 0)
        let model = try LayerRegistry.build(JSONDecoder().decode(LayerDescription.self, from: Data(json.utf8)), generator: &generator)
        let item = try fixtures.load("two_conv_net/mnist_like")
        let state = item.tensors.filter { $0.key.hasPrefix("state/") }
        _ = try model.loadStateDict(Dictionary(uniqueKeysWithValues: state.map { (String($0.key.dropFirst(6)), $0.value) }))
        #expect(try model.outputShape(forInput: [2, 1, 28, 28]) == [2, 10])

        let input = item["input"].requiringGradient()
        let logits = model(input)
        let loss = crossEntropy(logits: logits, classIndices: item["target"])
        func tolerance(_ key: String) -> Float { 1e-4 * item[key].scalars.map(abs).max()! }
        expectClose(logits, item["logits"], absoluteTolerance: tolerance("logits"), relativeTolerance: 0, "logits")
        expectClose(loss, item["loss"], absoluteTolerance: tolerance("loss"), relativeTolerance: 0, "loss")
        loss.backward()
        expectClose(input.gradient!, item["grad_input"], absoluteTolerance: tolerance("grad_input"), relativeTolerance: 0, "∂input")
        for (name, parameter) in model.namedParameters {
            expectClose(parameter.gradient!, item["grad/\(name)"], absoluteTolerance: tolerance("grad/\(name)"), relativeTolerance: 0, "∂\(name)")
        }
    }
}
