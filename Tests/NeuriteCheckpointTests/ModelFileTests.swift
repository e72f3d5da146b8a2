import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteNN
import Testing
import _NeuriteTestSupport

/// The layer of the `DescribableLayer` documentation, as a user would write it.
final class Scale: Module, DescribableLayer {
    struct Configuration: LayerConfiguration {
        var factor: Float
        func validate() throws(LayerConfigurationError) {
            try LayerConfigurationError.require(factor > 0, "factor \(factor) must be positive")
        }
    }
    let configuration: Configuration
    init(_ factor: Float) {
        configuration = Configuration(factor: factor).validated(for: "Scale")
        super.init()
    }
    convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(configuration.factor)
    }
    override func forward(_ input: Tensor) -> Tensor { input * configuration.factor }
}

/// The parameterless layer of Documentation/Layers.md.
final class Square: Module, ParameterlessLayer {
    override init() { super.init() }
    override func forward(_ input: Tensor) -> Tensor { input * input }
}

@Suite("Model files")
struct ModelFileTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("neurite-model-\(UUID().uuidString).safetensors").path
    }

    /// One example of every built-in layer type, by its name in model files, with an input shape.
    static func example(of layerType: String, generator: inout PhiloxGenerator) -> (layer: Module, input: [Int])? {
        switch layerType {
        case "Sequential":
            (
                Sequential {
                    Dense(4, 3, generator: &generator)
                    Tanh()
                }, [2, 4]
            )
        case "Residual": (Residual(Dense(4, 3, generator: &generator), projection: Dense(4, 3, bias: false, generator: &generator)), [2, 4])
        case "Dense": (Dense(4, 3, bias: false, generator: &generator), [2, 4])
        case "Flatten": (Flatten(startAxis: 1, endAxis: 2), [2, 3, 2, 2])
        case "Identity": (Identity(), [2, 4])
        case "Dropout": (Dropout(0.3), [2, 4])
        case "BatchNorm": (BatchNorm(3, epsilon: 1e-3, momentum: nil, affine: false), [4, 3, 5])
        case "LayerNorm": (LayerNorm([2, 3], epsilon: 1e-4), [2, 2, 3])
        case "ReLU": (ReLU(), [2, 4])
        case "LeakyReLU": (LeakyReLU(negativeSlope: 0.2), [2, 4])
        case "PReLU": (PReLU(channels: 3, initialSlope: 0.1), [2, 3, 4])
        case "ELU": (ELU(alpha: 0.5), [2, 4])
        case "GELU": (GELU(approximate: .tanh), [2, 4])
        case "SiLU": (SiLU(), [2, 4])
        case "Hardswish": (Hardswish(), [2, 4])
        case "Softplus": (Softplus(beta: 2, threshold: 10), [2, 4])
        case "Sigmoid": (Sigmoid(), [2, 4])
        case "Tanh": (Tanh(), [2, 4])
        case "Softmax": (Softmax(axis: 1), [2, 4])
        case "LogSoftmax": (LogSoftmax(axis: 0), [2, 4])
        case "Conv1D": (Conv1D(2, 4, kernelSize: 3, stride: 2, padding: 1, groups: 2, generator: &generator), [2, 2, 9])
        case "Conv2D": (Conv2D(3, 4, kernelSize: [3, 2], padding: .same, paddingMode: .reflect, generator: &generator), [2, 3, 6, 5])
        case "MaxPool1D": (MaxPool1D(kernelSize: 3, stride: 2, padding: 1, ceilMode: true), [2, 3, 8])
        case "MaxPool2D": (MaxPool2D(kernelSize: [2, 3], dilation: [1, 2]), [2, 3, 6, 9])
        case "AvgPool1D": (AvgPool1D(kernelSize: 3, padding: 1, countIncludePad: false), [2, 3, 8])
        case "AvgPool2D": (AvgPool2D(kernelSize: 2, stride: 1, divisorOverride: 3), [2, 3, 5, 4])
        case "AdaptiveAvgPool1D": (AdaptiveAvgPool1D(outputSize: 3), [2, 3, 8])
        case "AdaptiveAvgPool2D": (AdaptiveAvgPool2D(outputSize: [2, 3]), [2, 3, 5, 7])
        case "AdaptiveMaxPool1D": (AdaptiveMaxPool1D(outputSize: 3), [2, 3, 8])
        case "AdaptiveMaxPool2D": (AdaptiveMaxPool2D(outputSize: 1), [2, 3, 5, 7])
        case "BasicBlock": (BasicBlock(3, 4, stride: 2, generator: &generator), [2, 3, 7, 6])
        case "Dropout2D": (Dropout2D(0.3, generator: PhiloxGenerator(seed: 2)), [2, 3, 4, 4])
        case "ONNXGraph":
            (
                ONNXGraph(
                    configuration: .init(
                        input: "x", output: "y",
                        nodes: [
                            .init(op: "Gemm", inputs: ["x", "w", "b"], outputs: ["h"], attributes: ["transB": .int(1)]),
                            .init(op: "Relu", inputs: ["h"], outputs: ["r"]), .init(op: "Reshape", inputs: ["r", "shape"], outputs: ["y"]),
                        ],
                        parameters: [.init(name: "w", shape: [3, 4]), .init(name: "b", shape: [3])], buffers: [],
                        integers: [.init(name: "shape", shape: [2], values: [0, -1])]),
                    weights: ["w": Tensor.normal([3, 4], seed: 5), "b": Tensor.normal([3], seed: 6)], constants: [:]), [2, 4]
            )
        case "Standardize":
            (Standardize(mean: Tensor.normal([1, 4], seed: 3), standardDeviation: Tensor.uniform([1, 4], low: 0.5, high: 2, seed: 4)), [2, 4])
        case "Embedding": (Embedding(10, 3, paddingIndex: 2, generator: &generator), [2, 5])
        case "EmbeddingBag": (EmbeddingBag(10, 3, mode: .max, paddingIndex: -1, generator: &generator), [2, 5])
        case "Transpose": (Transpose(1, -1), [2, 3, 4])
        default: nil
        }
    }

    /// Walks the registry: every built-in layer type has an example, and each example is saved
    /// and loaded back with its configuration, printed form, weights, buffers and outputs.
    @Test(arguments: LayerRegistry.builtInTypes.map { $0.layerType })
    func everyRegisteredLayerTypeRoundTrips(_ layerType: String) throws {
        var generator = PhiloxGenerator(seed: 4)
        let (layer, inputShape) = try #require(Self.example(of: layerType, generator: &generator), "no example of \(layerType)")
        #expect(layer.typeName == layerType)
        // Lookup tables take ids (0..<10 here); every other layer real values.
        let input =
            layerType.hasPrefix("Embedding")
            ? Tensor((0..<inputShape.reduce(1, *)).map { Float($0 * 7 % 10) }, shape: inputShape) : Tensor.normal(inputShape, generator: &generator)
        _ = layer(input)  // running statistics move
        layer.eval()
        let expected = layer(input)
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(layer, to: path, metadata: ["note": "test"])
        let loaded = try ModelFile.load(path)
        #expect(type(of: loaded) == type(of: layer))
        #expect(loaded.description == layer.description)
        #expect(try LayerRegistry.describe(loaded) == LayerRegistry.describe(layer))
        #expect(loaded.stateDict.map(\.key) == layer.stateDict.map(\.key))
        #expect(loaded(input) == expected)
        #expect(!loaded.isTraining)
        #expect(try SafeTensors.read(path).metadata["note"] == "test")
    }

    /// Every layer class in NeuriteNN's Layers folder is a registered built-in type, so a new layer
    /// that is not registered fails here.
    @Test func everyLayerInTheSourcesIsRegistered() throws {
        let layers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/NeuriteNN/Layers")
        let files = try FileManager.default.contentsOfDirectory(at: layers, includingPropertiesForKeys: nil).filter { $0.pathExtension == "swift" }
        #expect(files.count >= 8)
        // A generic layer class counts through its public type aliases (`Conv2D = Convolution<TwoAxes>`).
        let lines = try files.flatMap { try String(contentsOf: $0, encoding: .utf8).split(separator: "\n") }
        let declared = lines.flatMap { line -> [String] in
            guard line.hasPrefix("public final class "), line.contains(": Module") else { return [] }
            let name = String(line.dropFirst("public final class ".count).prefix { $0.isLetter || $0.isNumber })
            guard line.contains("\(name)<") else { return [name] }
            let aliases = lines.filter { $0.hasPrefix("public typealias ") && $0.contains("= \(name)<") }
            return aliases.isEmpty ? [name] : aliases.map { String($0.dropFirst("public typealias ".count).prefix { $0.isLetter || $0.isNumber }) }
        }
        let registered = Set(LayerRegistry.builtInTypes.map { $0.layerType })
        #expect(declared.count >= 15)
        for name in declared { #expect(registered.contains(name), "\(name) is not in LayerRegistry.builtInTypes") }
    }

    /// A model file written by the first version of the format (keys such as "in", "p" and
    /// "shape", numbers in Double) loads and computes what it computed then.
    @Test func modelFilesOfTheFirstFormatStillLoad() throws {
        let path = try #require(Bundle.module.path(forResource: "legacy_model_v1", ofType: "safetensors"))
        let metadata = try SafeTensors.read(path).metadata
        func tensor(_ key: String, shape: [Int]) throws -> Tensor {
            let values = try #require(metadata[key]).split(separator: ",").map { Float(String($0))! }
            return Tensor(values, shape: shape)
        }
        let model = try ModelFile.load(path)
        let input = try tensor("fixture.input", shape: [4, 3, 4])
        let expected = try tensor("fixture.output", shape: [4, 3])
        #expect(model(input) == expected)
        #expect(model.description.contains("BatchNorm(8, momentum: nil)"))
        #expect(model.description.contains("LayerNorm([6], epsilon: 0.001)"))
        #expect(model.description.contains("GELU(approximate: .tanh)"))
        #expect(model.namedBuffers.count == 6)
    }

    @Test func undescribableLayersAndBadDescriptionsAreClearErrors() throws {
        final class Custom: Module {
            override func forward(_ input: Tensor) -> Tensor { input }
        }
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        expectError(containing: "\(path): model.1 (Custom): this layer type cannot be described") {
            try ModelFile.save(
                Sequential {
                    Dense(2, 2)
                    Custom()
                }, to: path)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        try Dense(2, 2).saveWeights(to: path)
        expectError(containing: "no architecture (neurite.architecture)") { _ = try ModelFile.load(path) }

        func write(_ architecture: String) throws {
            var file = SafeTensors(metadata: [ModelFile.architectureKey: architecture])
            file.set("0.weight", Tensor.zeros([2, 2]))
            try file.write(to: path)
        }
        let cases = [
            (#"{"type":"Sequential","children":[{"type":"Conv9D"}]}"#, "model.0: unknown layer type 'Conv9D' (known: "),
            (#"{"type":"Sequential","children":[{"type":"Dense","config":{"in":2,"out":"two"}}]}"#, "model.0 (Dense): 'out' must be an integer"),
            (#"{"type":"Sequential","children":[{"type":"Dense","config":{"in":2}}]}"#, "model.0 (Dense): 'out' is missing"),
            (
                #"{"type":"Sequential","children":[{"type":"Dense","config":{"in":2,"out":0}}]}"#,
                "model.0 (Dense): feature counts must be positive, got 2 => 0"
            ),
            (#"{"type":"Sequential","children":[{"type":"Dropout","config":{"p":1.5}}]}"#, "model.0 (Dropout): probability 1.5 is not in [0, 1]"),
            (#"{"type":"Sequential","children":[{"type":"ReLU","children":[{"type":"ReLU"}]}]}"#, "model.0 (ReLU): takes no children, got 1"),
            (#"{"type":"Residual","config":{"projection":true},"children":[{"type":"ReLU"}]}"#, "model (Residual): expected 2 children"),
            (#"{"type":"LayerNorm","config":{"shape":[0]}}"#, "model (LayerNorm): normalised shape [0] must be positive lengths"),
            (#"{"type":"Sequential","children":[{"type":"Dense","config":{"in":2,"out":3,"bias":false}}]}"#, "size mismatch for 0.weight"),
            ("not json", "malformed architecture JSON"),
        ]
        for (architecture, message) in cases {
            try write(architecture)
            expectError(containing: message) { _ = try ModelFile.load(path) }
        }
    }

    /// A hand-written description may leave out any setting that has a default; `null` is kept
    /// where it means something (BatchNorm's cumulative average).
    @Test func omittedSettingsTakeTheInitialisersDefaults() throws {
        let json =
            #"{"type": "Sequential", "children": [{"type": "Dense", "config": {"in": 3, "out": 4}}, {"type": "BatchNorm", "config": {"features": 4}},"#
            + #" {"type": "BatchNorm", "config": {"features": 4, "momentum": null}}, {"type": "Dropout"}, {"type": "LeakyReLU"}, {"type": "Flatten"}]}"#
        let description = try JSONDecoder().decode(LayerDescription.self, from: Data(json.utf8))
        var generator = PhiloxGenerator(seed: 1)
        let model = try LayerRegistry.build(description, generator: &generator) as! Sequential
        #expect((model[0] as! Dense).bias != nil)
        #expect((model[1] as! BatchNorm).momentum == 0.1 && (model[1] as! BatchNorm).epsilon == 1e-5 && (model[1] as! BatchNorm).weight != nil)
        #expect((model[2] as! BatchNorm).momentum == nil)
        #expect((model[3] as! Dropout).probability == 0.5 && (model[4] as! LeakyReLU).negativeSlope == 0.01)
        #expect((model[5] as! Flatten).startAxis == 1 && (model[5] as! Flatten).endAxis == -1)
        // Written back, every setting is explicit, the null included.
        let written = try LayerRegistry.describe(model)
        #expect(written.children[2].config["momentum"] == .null && written.children[1].config["momentum"] == .double(0.1))
    }

    @Test func laterLayersRegisterThemselves() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        LayerRegistry.register(Scale.self)
        let description = try LayerRegistry.describe(
            Sequential {
                Dense(2, 2)
                Scale(3)
            })
        #expect(description.children[1] == LayerDescription(type: "Scale", config: ["factor": .int(3)]))
        try ModelFile.save(
            Sequential {
                Dense(2, 2)
                Scale(3)
            }, to: path)
        let loaded = try ModelFile.load(path) as! Sequential
        #expect((loaded[1] as? Scale)?.configuration.factor == 3)
        LayerRegistry.register(Square.self)
        try ModelFile.save(
            Sequential {
                Scale(2)
                Square()
            }, to: path)
        #expect(try ModelFile.load(path)(Tensor([1, -3])) == Tensor([4, 36]))
        #expect(try SafeTensors.read(path).metadata[ModelFile.architectureKey]?.contains(#"{"children":[],"config":{},"type":"Square"}"#) == true)
        var generator = PhiloxGenerator(seed: 1)
        expectError(containing: "model (Scale): factor -1.0 must be positive") {
            _ = try LayerRegistry.build(LayerDescription(type: "Scale", config: ["factor": .int(-1)]), generator: &generator)
        }
    }

    /// Layers built from a description draw their weights like layers built in code: from the
    /// generator passed in, in order, or from the seeded default generator.
    @Test func describedLayersDrawTheirOwnWeights() throws {
        let description = LayerDescription(
            type: "Sequential",
            children: [
                LayerDescription(type: "Dense", config: ["in": .int(3), "out": .int(3)]), LayerDescription(type: "Dropout"),
                LayerDescription(type: "Dense", config: ["in": .int(3), "out": .int(3)]),
            ])
        var generator = PhiloxGenerator(seed: 9)
        let built = try LayerRegistry.build(description, generator: &generator) as! Sequential
        var same = PhiloxGenerator(seed: 9)
        let inCode = Sequential { Dense(3, 3, generator: &same) }
        #expect((built[0] as! Dense).weight.value == (inCode[0] as! Dense).weight.value)
        #expect((built[0] as! Dense).weight.value != (built[2] as! Dense).weight.value)
        #expect((built[1] as! Dropout).probability == 0.5)
        var other = PhiloxGenerator(seed: 10)
        #expect((try LayerRegistry.build(description, generator: &other) as! Sequential).stateDict.map(\.tensor) != built.stateDict.map(\.tensor))
        let fromDefault = try LayerRegistry.build(description) as! Sequential
        #expect((fromDefault[0] as! Dense).weight.value != (fromDefault[2] as! Dense).weight.value)
    }
}
