import Foundation
import NeuriteCore
import NeuriteNN
import Testing
import _NeuriteTestSupport

@Suite("Convolution layers")
struct ConvolutionTests {
    let fixtures = ConvTextFixtures.shared

    /// The layer PyTorch's resolved settings describe, built from a model description as a file
    /// would build it, with the case's weights.
    func layer(_ item: ConvTextFixtures.Case, axes: Int) throws -> Module {
        let r = item.resolved
        var config: [String: Any] = [
            "in": r["in_channels"]!, "out": r["out_channels"]!, "kernel": item.axisValues("kernel_size"),
            "stride": item.axisValues("stride"), "dilation": item.axisValues("dilation"),
            "groups": r["groups"]!, "bias": r["bias"]!, "padding_mode": r["padding_mode"]!,
        ]
        config["padding"] = (r["padding"] as? String) ?? item.axisValues("padding")
        let json = try JSONSerialization.data(withJSONObject: ["type": "Conv\(axes)D", "config": config])
        var generator = PhiloxGenerator(seed: 0)
        let module = try LayerRegistry.build(JSONDecoder().decode(LayerDescription.self, from: json), generator: &generator)
        _ = try module.loadStateDict(["weight": item["state/weight"]].merging(item.tensors["state/bias"].map { ["bias": $0] } ?? [:]) { $1 })
        return module
    }

    @Test(arguments: ["conv1d", "conv2d"])
    func valuesAndGradientsMatchPyTorch(family: String) throws {
        let ids = fixtures.caseIDs(family: family)
        #expect(ids.count >= 13)
        for id in ids {
            let item = try fixtures.load(id)
            let module = try layer(item, axes: family == "conv1d" ? 1 : 2)
            let input = item["input"].requiringGradient()
            let output = module(input)
            expectClose(output, item["output"], absoluteTolerance: item.tolerance("output"), relativeTolerance: 0, "\(id) output")
            #expect(try module.outputShape(forInput: input.shape) == output.shape, "\(id): inferred shape")
            output.backward(item["grad_output"])
            expectClose(
                input.gradient!, item["grad_input"], absoluteTolerance: item.tolerance("grad_input"), relativeTolerance: 0, "\(id) input gradient")
            for (name, parameter) in module.namedParameters {
                expectClose(
                    parameter.gradient!, item["grad/\(name)"], absoluteTolerance: item.tolerance("grad/\(name)"),
                    relativeTolerance: 0, "\(id) \(name) gradient")
            }
        }
    }

    @Test func gradientsMatchFiniteDifferences() {
        // Stride, asymmetric padding, dilation and groups at once, in one and two dimensions.
        expectGradientsMatch([fixture([2, 4, 7, 6], seed: 1), fixture([6, 2, 3, 2], seed: 2), fixture([6], seed: 3)]) { t in
            convolution(t[0], weight: t[1], bias: t[2], strides: [2, 1], padding: [(1, 2), (0, 1)], dilation: [1, 2], groups: 2)
        }
        expectGradientsMatch([fixture([2, 3, 9], seed: 4), fixture([4, 3, 3], seed: 5)]) { t in
            convolution(t[0], weight: t[1], strides: [3], padding: [(2, 0)], dilation: [2])
        }
        // The direct path of shallow inputs (depth 2·3·2 = 12), asymmetric padding, with a bias.
        expectGradientsMatch([fixture([2, 2, 5, 6], seed: 6), fixture([3, 2, 3, 2], seed: 7), fixture([3], seed: 8)]) { t in
            convolution(t[0], weight: t[1], bias: t[2], padding: [(1, 0), (0, 1)])
        }
        // Rows of eleven: one vector block and an overlapping one, whose repeated lanes the weight
        // gradient must not count twice.
        expectGradientsMatch([fixture([2, 1, 3, 11], seed: 9), fixture([2, 1, 3, 3], seed: 10), fixture([2], seed: 11)]) { t in
            convolution(t[0], weight: t[1], bias: t[2], padding: [(1, 1), (1, 1)])
        }
    }

    /// With the weight frozen, the bias still gets the upstream gradient summed over the batch and
    /// the positions (both paths).
    @Test(arguments: [1, 6])
    func aFrozenWeightStillTrainsTheBias(channels: Int) {
        let bias = fixture([4], seed: 12).requiringGradient()
        let output = convolution(
            fixture([2, channels, 9, 10], seed: 13), weight: fixture([4, channels, 3, 3], seed: 14), bias: bias, padding: [(1, 1), (1, 1)])
        let upstream = fixture(output.shape, seed: 15)
        output.backward(upstream)
        expectClose(bias.gradient!, upstream.sum(axes: [0, 2, 3]), absoluteTolerance: 1e-4)
    }

    /// Both paths: the product (depth 5·3·3 = 45) and the direct one for shallow inputs (3·3·3).
    @Test(arguments: [5, 3])
    func sameResultOnAnyThreadCount(channels: Int) {
        let input = fixture([3, channels, 17, 13], seed: 7), weight = fixture([8, channels, 3, 3], seed: 8)
        func run(_ threads: Int) -> [Float] {
            let previous = Threading.maximumThreads
            Threading.maximumThreads = threads
            defer { Threading.maximumThreads = previous }
            let x = input.requiringGradient(), w = weight.requiringGradient()
            let y = convolution(x, weight: w, padding: [(1, 1), (1, 1)])
            (y * y).sum().backward()
            return y.scalars + x.gradient!.scalars + w.gradient!.scalars
        }
        #expect(run(1) == run(2))
        #expect(run(1) == run(3))
    }

    @Test func describesItselfAndInfersShapes() throws {
        var generator = PhiloxGenerator(seed: 1)
        let conv = Conv2D(3, 8, kernelSize: [3, 2], padding: .same, generator: &generator)
        #expect(conv.layerDescription == "Conv2D(3 => 8, kernelSize: [3, 2], padding: same)")
        #expect(try conv.outputShape(forInput: [2, 3, 5, 4]) == [2, 8, 5, 4])
        let depthwise = Conv2D(8, 8, kernelSize: 3, padding: 1, groups: 8, bias: false, generator: &generator)
        #expect(depthwise.layerDescription == "Conv2D(8 => 8, kernelSize: 3, padding: 1, groups: 8, bias: false)")
        #expect(depthwise.weight.value.shape == [8, 1, 3, 3])
        #expect(try depthwise.outputShape(forInput: [4, 8, 28, 28]) == [4, 8, 28, 28])
        let conv1 = Conv1D(2, 4, kernelSize: 5, stride: 2, generator: &generator)
        #expect(try conv1.outputShape(forInput: [1, 2, 11]) == [1, 4, 4])
        #expect(throws: LayerShapeError.self) { try conv1.outputShape(forInput: [1, 3, 11]) }
        #expect(throws: LayerShapeError.self) { try conv1.outputShape(forInput: [1, 2, 4]) }
        // Padding that reads the input (reflect, circular) is bounded by the input's length, as
        // the forward pass is (found by the description fuzzer: inference had passed it).
        let reflect = Conv1D(3, 3, kernelSize: 1, padding: 24, paddingMode: .reflect, generator: &generator)
        #expect(throws: LayerShapeError.self) { try reflect.outputShape(forInput: [2, 3, 8]) }
        #expect(throws: LayerShapeError.self) { try reflect.outputShape(forInput: [2, 3, 24]) }
        #expect(try reflect.outputShape(forInput: [2, 3, 25]) == [2, 3, 73])
        #expect(reflect(Tensor.zeros([2, 3, 25])).shape == [2, 3, 73])
        // PyTorch's default initialisation bounds: 1/√fanIn with fanIn = in/groups · k.
        let bound = 1 / Float(2 * 5).squareRoot()
        #expect(conv1.weight.value.scalars.allSatisfy { abs($0) <= bound } && conv1.bias!.value.scalars.allSatisfy { abs($0) <= bound })
        // Round trip through a description.
        let description = try LayerRegistry.describe(depthwise)
        let rebuilt = try LayerRegistry.build(description, generator: &generator)
        #expect(rebuilt.layerDescription == depthwise.layerDescription)
    }

    @Test func badSettingsAreRefusedInDescriptions() throws {
        let bad = [
            #"{"in": 3, "out": 4, "kernel": 0}"#, #"{"in": 3, "out": 4, "kernel": [3, 3, 3]}"#, #"{"in": 3, "out": 4, "kernel": 3, "groups": 2}"#,
            #"{"in": 3, "out": 4, "kernel": 3, "stride": 2, "padding": "same"}"#, #"{"in": 3, "out": 4, "kernel": 3, "padding": "full"}"#,
            #"{"in": 3, "out": 4, "kernel": 3, "padding": -1}"#, #"{"in": 3, "out": 4, "kernel": 3, "padding_mode": "mirror"}"#,
            #"{"in": 100000, "out": 100000, "kernel": 100}"#,
        ]
        for config in bad {
            let json = Data(#"{"type": "Conv2D", "config": \#(config)}"#.utf8)
            var generator = PhiloxGenerator(seed: 0)
            #expect(throws: (any Error).self, "\(config)") {
                try LayerRegistry.build(JSONDecoder().decode(LayerDescription.self, from: json), generator: &generator)
            }
        }
    }
}
