import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteNN
import Testing
import _NeuriteTestSupport

@Suite("Model files")
struct ModelFileTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("neurite-model-\(UUID().uuidString).safetensors").path
    }

    @Test func everyBuiltInLayerRoundTripsWithItsWeights() throws {
        var generator = PhiloxGenerator(seed: 4)
        let model = Sequential {
            Flatten()
            Dense(12, 8, generator: &generator)
            BatchNorm(8, momentum: nil)
            LeakyReLU(negativeSlope: 0.2)
            Dropout(0.3)
            Residual(Sequential { Dense(8, 8, generator: &generator); GELU(approximate: .tanh) })
            Residual(Dense(8, 6, generator: &generator), projection: Dense(8, 6, bias: false, generator: &generator))
            LayerNorm(6, epsilon: 1e-3)
            ELU(alpha: 0.5); SiLU(); Softplus(beta: 2, threshold: 10); Sigmoid(); Tanh(); ReLU(); Identity()
            Dense(6, 3, generator: &generator)
            LogSoftmax(axis: 1)
        }
        let input = Tensor.normal([4, 3, 4], generator: &generator)
        _ = model(input)  // running statistics move
        model.eval()
        let expected = model(input)
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(model, to: path, metadata: ["note": "test"])
        let loaded = try ModelFile.load(path)
        #expect(loaded.description == model.description)
        #expect(loaded(input) == expected)
        #expect(!loaded.isTraining)
        #expect(try SafeTensors.read(path).metadata["note"] == "test")
    }

    @Test func undescribableLayersAndBadDescriptionsAreClearErrors() throws {
        final class Custom: Module {
            override func forward(_ input: Tensor) -> Tensor { input }
        }
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        expectError(containing: "\(path): Custom: this layer type cannot be described") {
            try ModelFile.save(Sequential { Dense(2, 2); Custom() }, to: path)
        }
        try Dense(2, 2).saveWeights(to: path)
        expectError(containing: "no architecture (neurite.architecture)") { _ = try ModelFile.load(path) }

        func write(_ architecture: String) throws {
            var file = SafeTensors(metadata: [ModelFile.architectureKey: architecture])
            file.set("0.weight", Tensor.zeros([2, 2]))
            try file.write(to: path)
        }
        try write(#"{"type":"Sequential","config":{},"children":[{"type":"Conv9D","config":{},"children":[]}]}"#)
        expectError(containing: "model.0: unknown layer type 'Conv9D'") { _ = try ModelFile.load(path) }
        try write(#"{"type":"Sequential","config":{},"children":[{"type":"Dense","config":{"in":2,"out":"two","bias":false},"children":[]}]}"#)
        expectError(containing: "model.0 (Dense): 'out' must be an integer") { _ = try ModelFile.load(path) }
        try write(#"{"type":"Sequential","config":{},"children":[{"type":"Dense","config":{"in":2,"out":3,"bias":false},"children":[]}]}"#)
        expectError(containing: "size mismatch for 0.weight") { _ = try ModelFile.load(path) }
        try write("not json")
        expectError(containing: "malformed architecture JSON") { _ = try ModelFile.load(path) }
    }

    @Test func laterLayersRegisterThemselves() throws {
        final class Scale: Module {
            let factor: Float
            init(_ factor: Float) { self.factor = factor; super.init() }
            override func forward(_ input: Tensor) -> Tensor { input * factor }
        }
        ModelDescriptions.register(LayerCodec(type: "Scale", describe: { module in
            (module as? Scale).map { (["factor": .double(Double($0.factor))], []) }
        }, build: { config, _ throws(ConfigurationProblem) in Scale(try config.float("factor")) }))
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(Sequential { Dense(2, 2); Scale(3) }, to: path)
        let loaded = try ModelFile.load(path) as! Sequential
        #expect((loaded[1] as? Scale)?.factor == 3)
    }
}
