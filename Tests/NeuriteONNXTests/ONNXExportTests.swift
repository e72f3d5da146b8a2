import NeuriteCore
import NeuriteNN
import Testing

@testable import NeuriteONNX

/// What a Swift test can check of an export; onnx.checker and onnxruntime check the files in CI
/// (Fixtures/check_onnx_export.py, run by .ci/run).
@Suite("ONNX export")
struct ONNXExportTests {
    final class Doubler: Module {
        override func forward(_ input: Tensor) -> Tensor { input * 2 }
    }

    func contains(_ bytes: [UInt8], _ text: String) -> Bool { contains(bytes, Array(text.utf8)) }

    func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= bytes.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    @Test func aModelBecomesAModelProtoWithItsOperatorsWeightsAndMetadata() throws {
        var generator = PhiloxGenerator(seed: 1)
        let model = Sequential {
            Flatten()
            Dense(4, 3, generator: &generator)
            GELU()
            Dense(3, 2, generator: &generator)
        }
        let bytes = try ONNXExporter.export(model, sampleShape: [2, 2], metadata: ["neurite.classes": "a\nb"])
        // ir_version 8 first, then the producer; opset 17 of the default domain.
        #expect(Array(bytes.prefix(2)) == [0x08, 0x08])
        #expect(contains(bytes, "Neurite") && contains(bytes, "Gemm") && contains(bytes, "Erf") && contains(bytes, "transB"))
        #expect(contains(bytes, "1.weight") && contains(bytes, "3.bias") && contains(bytes, "neurite.architecture") && contains(bytes, "batch"))
        let weight = model.layers[1] as! Dense
        let raw = weight.weight.value.scalars.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        #expect(contains(bytes, raw), "the weight's float32 values, little-endian, as raw data")
        #expect(try ONNXExporter.export(model, sampleShape: [2, 2], metadata: ["neurite.classes": "a\nb"]) == bytes, "exports are deterministic")
    }

    @Test func everyLayerWithoutAnONNXFormIsNamedInOneError() {
        var generator = PhiloxGenerator(seed: 2)
        let model = Sequential {
            Dense(4, 4, generator: &generator)
            Doubler()
            Residual(Sequential { Conv1D(1, 1, kernelSize: 3, padding: 1, paddingMode: .circular, generator: &generator) })
            EmbeddingBag(10, 4, mode: .max, paddingIndex: 0, generator: &generator)
        }
        do {
            _ = try ONNXExporter.export(model, sampleShape: [4])
            Issue.record("exported a model with unsupported layers")
        } catch {
            #expect(error.message.contains("model.1 (Doubler)"), "\(error)")
            #expect(error.message.contains("model.2.body.0 (Conv1D): circular padding"), "\(error)")
            #expect(error.message.contains("model.3 (EmbeddingBag): a max bag that skips padding"), "\(error)")
        }
    }

    @Test func samplesThatDoNotFitAreAnError() {
        let model = Sequential { Dense(4, 2) }
        #expect(throws: ONNXExportError.self) { try ONNXExporter.export(model, sampleShape: [5]) }
        let uneven = Sequential { AdaptiveAvgPool2D(outputSize: 3) }
        do {
            _ = try ONNXExporter.export(uneven, sampleShape: [1, 8, 8])
            Issue.record("exported an uneven adaptive pooling")
        } catch {
            #expect(error.message.contains("uneven windows"), "\(error)")
        }
    }
}
