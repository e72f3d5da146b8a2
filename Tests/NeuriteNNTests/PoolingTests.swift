import Foundation
import NeuriteCore
import NeuriteNN
import Testing
import _NeuriteTestSupport

@Suite("Pooling layers")
struct PoolingTests {
    let fixtures = ConvTextFixtures.shared

    /// The layer PyTorch's settings describe, built from a model description.
    func layer(type: String, _ config: [String: Any]) throws -> Module {
        let json = try JSONSerialization.data(withJSONObject: ["type": type, "config": config])
        var generator = PhiloxGenerator(seed: 0)
        return try LayerRegistry.build(JSONDecoder().decode(LayerDescription.self, from: json), generator: &generator)
    }

    func layer(for item: ConvTextFixtures.Case, family: String) throws -> Module {
        let r = item.resolved
        let axes = item["input"].rank - 2
        switch family {
        case "maxpool":
            return try layer(
                type: "MaxPool\(axes)D",
                [
                    "kernel": item.axisValues("kernel_size"), "stride": item.axisValues("stride"),
                    "padding": item.axisValues("padding"), "dilation": item.axisValues("dilation"),
                    "ceil_mode": r["ceil_mode"]!,
                ])
        case "avgpool":
            var config: [String: Any] = [
                "kernel": item.axisValues("kernel_size"), "stride": item.axisValues("stride"),
                "padding": item.axisValues("padding"), "ceil_mode": r["ceil_mode"]!, "count_include_pad": r["count_include_pad"]!,
            ]
            if let divisor = r["divisor_override"] as? Int { config["divisor_override"] = divisor }
            return try layer(type: "AvgPool\(axes)D", config)
        default:
            let kind = item.id.contains("/avg") ? "AdaptiveAvgPool" : "AdaptiveMaxPool"
            return try layer(type: "\(kind)\(axes)D", ["output_size": item.axisValues("output_size")])
        }
    }

    /// Values and input gradients for every case; most inputs hold ties, so the gradient shows
    /// which of equal inputs each maximum was taken from.
    @Test(arguments: ["maxpool", "avgpool", "adaptivepool"])
    func valuesAndGradientsMatchPyTorch(family: String) throws {
        let ids = fixtures.caseIDs(family: family)
        #expect(ids.count >= 5)
        for id in ids {
            let item = try fixtures.load(id)
            let module = try layer(for: item, family: family)
            let input = item["input"].requiringGradient()
            let output = module(input)
            expectClose(output, item["output"], absoluteTolerance: item.tolerance("output"), relativeTolerance: 0, "\(id) output")
            #expect(try module.outputShape(forInput: input.shape) == output.shape, "\(id): inferred shape")
            output.backward(item["grad_output"])
            expectClose(
                input.gradient!, item["grad_input"], absoluteTolerance: item.tolerance("grad_input"), relativeTolerance: 0, "\(id) input gradient")
        }
    }

    @Test func gradientsMatchFiniteDifferences() {
        // Distinct values, so that no finite step changes which input is the maximum.
        let distinct = Tensor((0..<(2 * 2 * 7 * 6)).map { Float(($0 * 37) % 167) / 40 }, shape: [2, 2, 7, 6])
        expectGradientsMatch([distinct]) { maxPool($0[0], kernel: [3, 2], stride: [2, 1], padding: [1, 1], ceilMode: true) }
        expectGradientsMatch([fixture([2, 2, 7, 6])]) {
            averagePool($0[0], kernel: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true, countIncludePad: false)
        }
        expectGradientsMatch([fixture([2, 3, 9])]) { adaptiveAveragePool($0[0], outputSize: [4]) }
    }

    @Test func nanPropagatesAndTiesGoToTheFirst() {
        let input = Tensor([1, Float.nan, 3, 3, 2, 2], shape: [1, 1, 6]).requiringGradient()
        let output = maxPool(input, kernel: [2])
        #expect(output.scalars[0].isNaN && output.scalars[1] == 3 && output.scalars[2] == 2)
        output.sum().backward()
        #expect(input.gradient!.scalars == [0, 1, 1, 0, 1, 0])
    }

    /// `ReLU` then `MaxPool` in a `Sequential` runs as `rectifiedMaxPool`: the same values and
    /// gradients, bit for bit, as the two layers one after the other (what an observer of the
    /// layers sees), with windows that are all negative, zero, tied, positive, NaN or padded.
    @Test(arguments: [(kernel: [2, 2], stride: [2, 2], padding: [0, 0]), (kernel: [3, 2], stride: [2, 1], padding: [1, 1])])
    func reluThenMaxPoolRunsFused(kernel: [Int], stride: [Int], padding: [Int]) {
        var values: [Float] = (0..<(2 * 3 * 7 * 8)).map { (i: Int) -> Float in Float((i &* 2_654_435_761) % 7) - 4 }
        values[5] = Float.nan
        values[50] = -Float.nan
        values[60] = -0.0
        let model = Sequential {
            ReLU()
            MaxPool2D(kernelSize: AxisValues(kernel), stride: AxisValues(stride), padding: AxisValues(padding))
            Flatten()
        }
        func run(observed: Bool) -> (output: [UInt32], gradient: [UInt32]) {
            let input = Tensor(values, shape: [2, 3, 7, 8]).requiringGradient()
            let output = observed ? ModuleObservation().observe { model(input) } : model(input)
            let upstream = Tensor((0..<output.shape.reduce(1, *)).map { (i: Int) -> Float in Float(i % 5) + 0.5 }, shape: output.shape)
            output.backward(upstream)
            return (output.scalars.map { $0.bitPattern }, input.gradient!.scalars.map { $0.bitPattern })
        }
        let (fused, separate) = (run(observed: false), run(observed: true))
        #expect(fused.output == separate.output)
        #expect(fused.gradient == separate.gradient)
        #expect(fused.output.contains { Float(bitPattern: $0).isNaN } && fused.output.contains(0))
        let composed = maxPool(relu(Tensor(values, shape: [2, 3, 7, 8])), kernel: kernel, stride: stride, padding: padding)
        let direct = rectifiedMaxPool(Tensor(values, shape: [2, 3, 7, 8]), kernel: kernel, stride: stride, padding: padding)
        #expect(direct.scalars.map { $0.bitPattern } == composed.scalars.map { $0.bitPattern })
    }

    /// A convolution, `ReLU` and `MaxPool` in a `Sequential` run as `convolutionRectifiedMaxPool`:
    /// the same values and gradients (input, weight and bias), bit for bit, as the three layers
    /// one after the other, for the direct path (2 and 3 input channels, 1-D and 2-D, reflect
    /// padding, a pooling that leaves a row and a column out) and for a deeper convolution.
    @Test(arguments: [
        (channels: 2, axes: 2, reflect: false), (channels: 3, axes: 2, reflect: true), (channels: 9, axes: 2, reflect: false),
        (channels: 2, axes: 1, reflect: false),
    ])
    func convolutionReluMaxPoolRunsFused(channels: Int, axes: Int, reflect: Bool) {
        var generator = PhiloxGenerator(seed: 5)
        let shape = axes == 2 ? [3, channels, 9, 11] : [3, channels, 13]
        let model = Sequential {
            if axes == 2 {
                Conv2D(channels, 6, kernelSize: 3, padding: 1, paddingMode: reflect ? .reflect : .zeros, generator: &generator)
                ReLU()
                MaxPool2D(kernelSize: 2)
            } else {
                Conv1D(channels, 6, kernelSize: 3, padding: 1, generator: &generator)
                ReLU()
                MaxPool1D(kernelSize: 3, stride: 2)
            }
            Flatten()
        }
        let values = Tensor.normal(shape, generator: &generator)
        func run(observed: Bool) -> [[UInt32]] {
            for parameter in model.parameters { parameter.zeroGradient() }
            let input = values.requiringGradient()
            let output = observed ? ModuleObservation().observe { model(input) } : model(input)
            output.backward(Tensor((0..<output.shape.reduce(1, *)).map { (i: Int) -> Float in Float(i % 7) - 2.5 }, shape: output.shape))
            return ([output, input.gradient!] + model.parameters.map { $0.gradient! }).map { $0.scalars.map { $0.bitPattern } }
        }
        let (fused, separate) = (run(observed: false), run(observed: true))
        #expect(fused == separate)
        #expect(fused[0].contains(0) && fused[0].contains { $0 != 0 }, "some maxima are rectified, some are not")
    }

    @Test func describesItselfAndRefusesBadSettings() throws {
        #expect(MaxPool2D(kernelSize: 2).layerDescription == "MaxPool2D(kernelSize: 2)")
        #expect(AvgPool1D(kernelSize: 3, stride: 1, padding: 1).layerDescription == "AvgPool1D(kernelSize: 3, stride: 1, padding: 1)")
        #expect(AdaptiveAvgPool2D(outputSize: 1).layerDescription == "AdaptiveAvgPool2D(outputSize: 1)")
        #expect(try MaxPool2D(kernelSize: 2).outputShape(forInput: [4, 32, 28, 28]) == [4, 32, 14, 14])
        #expect(throws: LayerShapeError.self) { try MaxPool2D(kernelSize: 5).outputShape(forInput: [1, 1, 4, 4]) }
        #expect(throws: LayerShapeError.self) { try MaxPool2D(kernelSize: 2).outputShape(forInput: [1, 4, 4]) }
        for (type, config) in [
            ("MaxPool2D", ["kernel": 0]), ("MaxPool2D", ["kernel": 2, "padding": 2]), ("AvgPool1D", ["kernel": [2, 2]]),
            ("AvgPool2D", ["kernel": 2, "divisor_override": 0]), ("AdaptiveAvgPool2D", ["output_size": 0]),
        ] as [(String, [String: Any])] {
            #expect(throws: (any Error).self, "\(type) \(config)") { try layer(type: type, config) }
        }
    }
}

@Suite("Channel dropout")
struct Dropout2DTests {
    /// PyTorch's rules (index.json, families.dropout2d): whole maps zeroed with probability p, the
    /// rest scaled by 1/(1 − p), the same mask backwards, identity in evaluation.
    @Test func dropsWholeMapsAndScalesTheRest() {
        let layer = Dropout2D(0.3, generator: PhiloxGenerator(seed: 5))
        let input = Tensor.ones([16, 64, 3, 3]).requiringGradient()
        let output = layer(input)
        let scale: Float = 1 / 0.7
        var dropped = 0
        for map in 0..<(16 * 64) {
            let values = Set(output.scalars[(map * 9)..<(map * 9 + 9)])
            #expect(values == [0] || values == [scale], "map \(map): \(values)")
            if values == [0] { dropped += 1 }
        }
        // 1,024 maps: the dropped fraction within 4 standard deviations (0.057) of 0.3.
        #expect(abs(Double(dropped) / 1024 - 0.3) < 0.06)
        output.sum().backward()
        #expect(input.gradient!.scalars == output.scalars)
        layer.eval()
        #expect(layer(input) == input)
        #expect(Dropout2D(1)(input).scalars.allSatisfy { $0 == 0 })
    }
}
