import Foundation
import NeuriteCore
import NeuriteNN

/// A model that cannot be written as ONNX: every layer that has no ONNX form, named by its place
/// in the model, in one message.
public struct ONNXExportError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What cannot be exported, and why.
    public let message: String
    /// An error saying `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// ONNX export (opset 17, IR version 8): a model becomes a graph with one float input `input`
/// `[batch, sample…]` and one output `output`, the batch axis dynamic, every weight a float32
/// initializer under its state-dict name, and the model's description in the metadata.
///
/// Layers and their operators: `Dense` → `Gemm` (rank-2 inputs; `MatMul` + `Add` otherwise),
/// `Conv1D/2D` → `Conv` (after `Pad` for reflect and replicate padding), pooling → `MaxPool`,
/// `AveragePool`, `GlobalAveragePool`/`GlobalMaxPool`, `BatchNorm` → `BatchNormalization`,
/// `LayerNorm` → `LayerNormalization`, `Flatten` → `Flatten` or `Reshape`, `Residual` and
/// `BasicBlock` → their branches and `Add`, `Standardize` → `Sub` and `Div`, `Embedding` → `Cast`
/// and `Gather`, `EmbeddingBag` (one bag per row of ids) → `Gather`, a padding mask and
/// `ReduceSum`/`ReduceMean`/`ReduceMax` (a model that starts with a table reads ids of any
/// length), dropout → `Identity`, and the activations to their operators (`GELU`, which
/// opset 17 lacks, as `Erf` or `Tanh` arithmetic; `SiLU` as `Mul` by `Sigmoid`).
public enum ONNXExporter {
    /// The ONNX `ModelProto` bytes of `model` for samples of `sampleShape` (without the batch
    /// axis). The model is exported as it runs in evaluation mode.
    /// - Throws: `ONNXExportError` naming every layer that has no ONNX form, or a shape that does
    ///   not fit the model.
    public static func export(_ model: Module, sampleShape: [Int], metadata: [String: String] = [:]) throws(ONNXExportError) -> [UInt8] {
        var unsupported: [String] = []
        collectUnsupported(model, path: "model", into: &unsupported)
        guard unsupported.isEmpty else {
            throw ONNXExportError("cannot export to ONNX: \(unsupported.joined(separator: "; "))")
        }
        let shape: [Int]?
        do {
            shape = try model.checkedOutputShape(forInput: [1] + sampleShape)
        } catch {
            throw ONNXExportError("cannot export to ONNX: samples of shape \(sampleShape) do not fit the model: \(error.message)")
        }
        guard let shape else {
            throw ONNXExportError("cannot export to ONNX: the model's output shape for samples of shape \(sampleShape) is unknown")
        }
        var emitter = Emitter()
        // A model that computes nothing (only dropout, say) still needs a node for its output.
        if try emitter.emit(model, input: "input", shape: [1] + sampleShape, name: "") == "input" {
            _ = emitter.graph.node("Identity", ["input"], name: "")
        }
        // The last node computes the model's result: its output is the graph's.
        emitter.graph.renameLastOutput(to: "output")
        // Models that start with a lookup table read ids of any length: the input's axes after the
        // batch are dynamic, and so are the output's unless it is one vector per sample.
        let readsSequences = Self.firstLeaf(of: model).map { $0 is Embedding || $0 is EmbeddingBag } ?? false
        let outputShape = Array(shape.dropFirst())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]  // the same model, the same bytes
        let description = (try? LayerRegistry.describe(model)).flatMap { try? encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        var properties = metadata.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if let description { properties.append(("neurite.architecture", description)) }
        return emitter.graph.model(
            input: "input", inputShape: sampleShape, dynamicInputAxes: readsSequences, output: "output", outputShape: outputShape,
            dynamicOutputAxes: readsSequences && outputShape.count > 1, graphName: "neurite",
            documentation: model.description, metadata: properties)
    }

    /// Writes `export(model, sampleShape:metadata:)` to `path` atomically.
    /// - Throws: `ONNXExportError` as `export` does, or for a file that cannot be written.
    public static func write(_ model: Module, sampleShape: [Int], to path: String, metadata: [String: String] = [:]) throws(ONNXExportError) {
        let bytes = try export(model, sampleShape: sampleShape, metadata: metadata)
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ONNXExportError("\(path): cannot write the ONNX model: \(error.localizedDescription)")
        }
    }

    /// The first layer that computes, inside containers.
    private static func firstLeaf(of module: Module) -> Module? {
        switch module {
        case let sequential as Sequential: return sequential.layers.first.flatMap(firstLeaf)
        case let residual as Residual: return firstLeaf(of: residual.body)
        default: return module
        }
    }

    /// Every layer under `module` without an ONNX form.
    private static func collectUnsupported(_ module: Module, path: String, into list: inout [String]) {
        if let reason = Emitter.unsupportedReason(module) {
            list.append("\(path) (\(module.typeName)): \(reason)")
            return
        }
        if module is Sequential || module is Residual {
            for (name, child) in module.namedChildren { collectUnsupported(child, path: "\(path).\(name)", into: &list) }
        }
    }
}
