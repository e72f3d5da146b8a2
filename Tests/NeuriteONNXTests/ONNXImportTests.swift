import Foundation
import NeuriteCore
import NeuriteNN
import Testing

@testable import NeuriteONNX

/// What a Swift test can check of an import; onnxruntime compares the imported models' outputs in
/// CI (Fixtures/check_onnx_import.py, run by .ci/run).
@Suite("ONNX import")
struct ONNXImportTests {
    func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "onnx"))
        return [UInt8](try Data(contentsOf: url))
    }

    @Test func anExportedModelImportsToTheSameFunction() throws {
        var generator = PhiloxGenerator(seed: 3)
        let model = Sequential {
            Conv2D(1, 4, kernelSize: 3, padding: 1, generator: &generator)
            BatchNorm(4)
            ReLU()
            MaxPool2D(kernelSize: 2)
            Flatten()
            Dense(64, 8, generator: &generator)
            GELU()
            Residual(Sequential { Dense(8, 8, generator: &generator) })
            LayerNorm(8)
            Dense(8, 3, generator: &generator)
        }
        model.eval()
        let imported = try ONNXImporter.parse(try ONNXExporter.export(model, sampleShape: [1, 8, 8]))
        #expect(imported.sampleShape == [1, 8, 8])
        let x = Tensor.normal([5, 1, 8, 8], seed: 4)
        let expected = model(x), got = imported.model(x)
        #expect(got.shape == [5, 3])
        #expect(zip(got.scalars, expected.scalars).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
        // The weights keep their state-dict names and are trainable.
        #expect(imported.model.namedParameters.map(\.name).contains("0.weight"))
        #expect(imported.model.namedBuffers.map(\.name).contains("1.running_mean"))
        #expect(imported.model.trainableParameterCount == model.parameterCount)
    }

    @Test func pyTorchExportsImport() throws {
        for name in ["torch_mlp", "torch_cnn", "torch_resnet", "torch_view", "torch_transformerish"] {
            let imported = try ONNXImporter.parse(try fixture(name))
            let shape = try #require(imported.sampleShape, "\(name)")
            let output = withoutGradients { imported.model(Tensor.normal([2] + shape, seed: 1)) }
            #expect(output.shape.first == 2 && output.scalars.allSatisfy { $0.isFinite }, "\(name)")
        }
        // PyTorch's names for the weights.
        let mlp = try ONNXImporter.parse(try fixture("torch_mlp")).model
        #expect(mlp.namedParameters.map(\.name) == ["1.weight", "1.bias", "3.weight", "3.bias"])
    }

    @Test func damagedFilesAreErrorsNotCrashes() throws {
        let bytes = try fixture("torch_cnn")
        // Every truncation and a sweep of corrupted bytes: an error or a model, never a trap.
        var errors = 0
        for length in stride(from: 0, to: bytes.count, by: 7) {
            do {
                _ = try ONNXImporter.parse(Array(bytes.prefix(length)))
            } catch {
                errors += 1
            }
        }
        #expect(errors > 0)
        var generator = PhiloxGenerator(seed: 9)
        for _ in 0..<300 {
            var damaged = bytes
            let position = Int(generator.next() % UInt64(bytes.count))
            damaged[position] = UInt8(truncatingIfNeeded: generator.next())
            _ = try? ONNXImporter.parse(damaged)
        }
        do {
            _ = try ONNXImporter.parse(Array("not a model".utf8))
            Issue.record("text was read as a model")
        } catch {
            #expect(error.message.contains("not an ONNX model"), "\(error)")
        }
    }

    @Test func unsupportedOperatorsAreListedInOneError() {
        var graph = ONNXGraphWriter()
        let hidden = graph.node("Resize", ["input"], name: "a")
        _ = graph.node("NonMaxSuppression", [graph.node("Relu", [hidden], name: "b")], name: "c")
        graph.renameLastOutput(to: "output")
        let bytes = graph.model(input: "input", inputShape: [4], output: "output", outputShape: [4], graphName: "g", documentation: "", metadata: [])
        do {
            _ = try ONNXImporter.parse(bytes)
            Issue.record("imported unsupported operators")
        } catch {
            #expect(error.message.hasPrefix("unsupported operators: NonMaxSuppression, Resize (supported: "), "\(error)")
        }
    }
}

/// Graphs that do not fit their own input: each an error naming the node, never a stopped program.
@Suite("ONNX import of graphs that do not fit")
struct ONNXMismatchTests {
    func importing(_ build: (inout ONNXGraphWriter) -> Void, inputShape: [Int] = [4]) -> String? {
        var graph = ONNXGraphWriter()
        build(&graph)
        graph.renameLastOutput(to: "output")
        let bytes = graph.model(
            input: "input", inputShape: inputShape, output: "output", outputShape: [1], graphName: "g", documentation: "", metadata: [])
        do {
            _ = try ONNXImporter.parse(bytes)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func everyMismatchIsAnErrorNamingTheNode() {
        let cases: [(String, (inout ONNXGraphWriter) -> Void)] = [
            ("node 0 (Gemm): inner sizes differ", { g in _ = g.node("Gemm", ["input", g.constant(Tensor.zeros([5, 3]), name: "w")], name: "") }),
            (
                "node 0 (Reshape): 4 elements do not reshape",
                { g in _ = g.node("Reshape", ["input", g.integers([3, -1], shape: [2], name: "s")], name: "") }
            ),
            (
                "node 1 (Conv): a kernel of",
                { g in
                    let image = g.node("Reshape", ["input", g.integers([1, 1, 2, 2], shape: [4], name: "s")], name: "")
                    _ = g.node("Conv", [image, g.constant(Tensor.zeros([1, 1, 3, 3]), name: "w")], [.ints("kernel_shape", [3, 3])], name: "")
                }
            ),
            (
                "node 0 (Gather): an index is outside",
                { g in
                    _ = g.node("Gather", [g.constant(Tensor.zeros([4, 2]), name: "table"), g.integers([7], shape: [1], name: "i")], name: "")
                }
            ),
            (
                "node 0 (Concat): shapes",
                { g in _ = g.node("Concat", ["input", g.constant(Tensor.zeros([1, 3, 2]), name: "c")], [.int("axis", 1)], name: "") }
            ),
            (
                "node 0 (Add): shapes [1, 4] and [3] do not broadcast",
                { g in _ = g.node("Add", ["input", g.constant(Tensor.zeros([3]), name: "c")], name: "") }
            ),
            ("input 'nowhere' is not computed", { g in _ = g.node("Relu", ["nowhere"], name: "") }),
            (
                "node 1 (Conv): ",
                { g in
                    let image = g.node("Reshape", ["input", g.integers([1, 1, 2, 2], shape: [4], name: "s")], name: "")
                    let huge = (1 << 20) - 1
                    _ = g.node(
                        "Conv", [image, g.constant(Tensor.zeros([1, 1, 1, 1]), name: "w")], [.ints("pads", [huge, huge, huge, huge])], name: "")
                }
            ),
            ("kernel_shape [1073741824] must be between", { g in _ = g.node("MaxPool", ["input"], [.ints("kernel_shape", [1 << 30])], name: "") }),
            (
                "node 0 (Reshape): shape [536870912, 536870912, 536870912] is too large",
                { g in
                    _ = g.node("Reshape", ["input", g.integers([1 << 29, 1 << 29, 1 << 29], shape: [3], name: "s")], name: "")
                }
            ),
            ("node 0 (Transpose): perm", { g in _ = g.node("Transpose", ["input"], [.ints("perm", [0, 0])], name: "") }),
            // Found by the fuzzer: an Unsqueeze without axes stopped the program.
            ("node 0 (Unsqueeze): no axes", { g in _ = g.node("Unsqueeze", ["input"], name: "") }),
        ]
        // An input shape in the file too large to allocate is refused before zeros of it are made.
        let huge = importing({ g in _ = g.node("Relu", ["input"], name: "") }, inputShape: [1 << 20, 1 << 20])
        #expect(huge?.contains("does not run on an input of shape [1, 1048576, 1048576]") == true, "\(huge ?? "no error")")
        for (expected, build) in cases {
            let message = importing(build)
            #expect(message?.contains(expected) == true, "expected '\(expected)', got \(message ?? "no error")")
        }
    }
}
