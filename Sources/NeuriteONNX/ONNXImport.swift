import Foundation
import NeuriteCore
import NeuriteNN
import _NeuriteProtobuf

/// A file that cannot be imported: the file, and what is wrong or which operators are missing.
public struct ONNXImportError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What is wrong.
    public let message: String
    /// An error saying `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// ONNX import: an ONNX model (from `ONNXExporter`, `torch.onnx.export` or other tools) becomes an
/// `ONNXGraph` module that runs its graph, whatever its shape (a chain or not), with the
/// initializers as weights under their own names. Operators outside
/// `ONNXGraph.supportedOperators` are listed by name in one error.
public enum ONNXImporter {
    /// The model in `path` and the shape of one input (without the batch axis) where the file
    /// gives it.
    /// - Throws: `ONNXImportError` naming the file and the problem.
    public static func read(_ path: String) throws(ONNXImportError) -> (model: ONNXGraph, sampleShape: [Int]?) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ONNXImportError("\(path): cannot read the file (missing or unreadable)")
        }
        do {
            return try parse([UInt8](data))
        } catch {
            throw ONNXImportError("\(path): \(error.message)")
        }
    }

    /// The model in the bytes of a `ModelProto`.
    public static func parse(_ bytes: [UInt8]) throws(ONNXImportError) -> (model: ONNXGraph, sampleShape: [Int]?) {
        do {
            return try Decoder.model(bytes[...])
        } catch let error as ProtobufError {
            throw ONNXImportError("not an ONNX model (\(error.message))")
        } catch let error as ONNXImportError {
            throw error
        } catch {
            throw ONNXImportError("\(error)")
        }
    }

    private enum Decoder {
        static func grouped(_ bytes: ArraySlice<UInt8>) throws -> [Int: [ProtobufField]] {
            Dictionary(grouping: try ProtobufReader.fields(bytes), by: \.number).mapValues { $0.map(\.value) }
        }

        struct Initializer {
            let name: String, shape: [Int], values: [Float], isInteger: Bool
        }

        static func tensor(_ bytes: ArraySlice<UInt8>) throws -> Initializer {
            let fields = try grouped(bytes)
            let name = fields[8]?.last?.string ?? ""
            let shape = try ProtobufReader.integers(fields[1] ?? []).map { Int($0) }
            guard shape.allSatisfy({ $0 >= 0 }), SizeLimit.problem(allocating: shape, for: "tensor '\(name)'") == nil else {
                throw ONNXImportError("tensor '\(name)' has shape \(shape), too large or negative")
            }
            let count = shape.reduce(1, *)
            let type = fields[2]?.last?.integer ?? 0
            if fields[14]?.last?.integer == 1 { throw ONNXImportError("tensor '\(name)' keeps its data in an external file, which is not supported") }
            let raw = fields[9]?.last?.data
            var values: [Float]
            switch type {
            case 1:
                if let raw {
                    guard raw.count == count * 4 else { throw ONNXImportError("tensor '\(name)': \(raw.count) bytes of data for \(count) floats") }
                    values = stride(from: raw.startIndex, to: raw.endIndex, by: 4).map { offset in
                        Float(bitPattern: raw[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) })
                    }
                } else {
                    values = try ProtobufReader.floats(fields[4] ?? [])
                }
            case 6, 7:
                let width = type == 7 ? 8 : 4
                if let raw {
                    guard raw.count == count * width else {
                        throw ONNXImportError("tensor '\(name)': \(raw.count) bytes of data for \(count) integers")
                    }
                    values = stride(from: raw.startIndex, to: raw.endIndex, by: width).map { offset in
                        let bits = raw[offset..<offset + width].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                        return width == 8 ? Float(Int64(bitPattern: bits)) : Float(Int32(truncatingIfNeeded: bits))
                    }
                } else {
                    values = try ProtobufReader.integers(fields[type == 7 ? 7 : 5] ?? []).map { Float($0) }
                }
            case 11:
                guard let raw, raw.count == count * 8 else { throw ONNXImportError("tensor '\(name)': double data must be raw") }
                values = stride(from: raw.startIndex, to: raw.endIndex, by: 8).map { offset in
                    Float(Double(bitPattern: raw[offset..<offset + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) }))
                }
            default:
                throw ONNXImportError("tensor '\(name)' has ONNX data type \(type); float, double, int32 and int64 are read")
            }
            guard values.count == count else { throw ONNXImportError("tensor '\(name)': \(values.count) values for shape \(shape)") }
            return Initializer(name: name, shape: shape, values: values, isInteger: type == 6 || type == 7)
        }

        static func attribute(_ bytes: ArraySlice<UInt8>) throws -> (String, ONNXGraph.Attribute?) {
            let fields = try grouped(bytes)
            let name = fields[1]?.last?.string ?? ""
            switch fields[20]?.last?.integer ?? 0 {
            case 1: return (name, .float(fields[2]?.last?.float ?? 0))
            case 2: return (name, .int(Int(fields[3]?.last?.integer ?? 0)))
            case 3: return (name, .string(fields[4]?.last?.string ?? ""))
            case 4:
                guard let data = fields[5]?.last?.data else { return (name, nil) }
                let value = try tensor(data)
                return (name, .tensor(shape: value.shape, values: value.values))
            case 6: return (name, .floats(try ProtobufReader.floats(fields[7] ?? [])))
            case 7: return (name, .ints(try ProtobufReader.integers(fields[8] ?? []).map { Int($0) }))
            default: return (name, nil)  // graphs, sparse tensors, type protos: no supported operator uses them
            }
        }

        static func model(_ bytes: ArraySlice<UInt8>) throws -> (model: ONNXGraph, sampleShape: [Int]?) {
            let model = try grouped(bytes)
            guard let graphBytes = model[7]?.last?.data else { throw ONNXImportError("not an ONNX model (no graph)") }
            let graph = try grouped(graphBytes)
            var initializers: [String: Initializer] = [:]
            for field in graph[5] ?? [] {
                if let data = field.data {
                    let value = try tensor(data)
                    initializers[value.name] = value
                }
            }
            var nodes: [ONNXGraph.Node] = [], unsupported = Set<String>()
            for field in graph[1] ?? [] {
                guard let data = field.data else { continue }
                let node = try grouped(data)
                let op = node[4]?.last?.string ?? ""
                if let domain = node[7]?.last?.string, !domain.isEmpty, domain != "ai.onnx" {
                    unsupported.insert("\(domain).\(op)")
                }
                if !ONNXGraph.supportedOperators.contains(op) { unsupported.insert(op) }
                var attributes: [String: ONNXGraph.Attribute] = [:]
                for attributeField in node[5] ?? [] {
                    if let data = attributeField.data {
                        let (name, value) = try attribute(data)
                        attributes[name] = value
                    }
                }
                nodes.append(
                    ONNXGraph.Node(
                        op: op, inputs: (node[1] ?? []).compactMap(\.string), outputs: (node[2] ?? []).compactMap(\.string), attributes: attributes))
            }
            guard unsupported.isEmpty else {
                throw ONNXImportError(
                    "unsupported operators: \(unsupported.sorted().joined(separator: ", ")) (supported: \(ONNXGraph.supportedOperators.sorted().joined(separator: ", ")))"
                )
            }
            func valueInfo(_ field: ProtobufField) throws -> (name: String, shape: [Int?]) {
                let info = try grouped(field.data ?? [])
                let name = info[1]?.last?.string ?? ""
                guard let type = info[2]?.last?.data, let tensorType = try grouped(type)[1]?.last?.data,
                    let shape = try grouped(tensorType)[2]?.last?.data
                else { return (name, []) }
                let dims = try (grouped(shape)[1] ?? []).map { dim in try grouped(dim.data ?? [])[1]?.last?.integer.map { Int($0) } }
                return (name, dims)
            }
            let inputs = try (graph[11] ?? []).map(valueInfo).filter { initializers[$0.name] == nil }
            let outputs = try (graph[12] ?? []).map(valueInfo)
            guard inputs.count == 1, outputs.count == 1 else {
                throw ONNXImportError("the graph has \(inputs.count) inputs and \(outputs.count) outputs; one of each is supported")
            }
            // Weights: float initializers that an operator multiplies by; other float ones are
            // constants; integer ones are shapes and axes.
            let weightSlots: [String: Set<Int>] = [
                "Gemm": [1, 2], "MatMul": [1], "Conv": [1, 2], "BatchNormalization": [1, 2], "LayerNormalization": [1, 2], "PRelu": [1],
                "Gather": [0],
            ]
            var parameters: [ONNXGraph.Configuration.NamedShape] = [], buffers: [ONNXGraph.Configuration.NamedShape] = []
            var integers: [ONNXGraph.Configuration.NamedIntegers] = [], seen = Set<String>()
            var weights: [String: Tensor] = [:], constants: [String: Tensor] = [:]
            for node in nodes {
                for (slot, name) in node.inputs.enumerated() {
                    guard let initializer = initializers[name], !seen.contains(name) else { continue }
                    seen.insert(name)
                    let tensor = Tensor(initializer.values, shape: initializer.shape)
                    if initializer.isInteger {
                        integers.append(.init(name: name, shape: initializer.shape, values: initializer.values.map { Int($0) }))
                    } else if weightSlots[node.op]?.contains(slot) == true {
                        parameters.append(.init(name: name, shape: initializer.shape))
                        weights[name] = tensor
                    } else {
                        buffers.append(.init(name: name, shape: initializer.shape))
                        constants[name] = tensor
                    }
                }
            }
            let configuration = ONNXGraph.Configuration(
                input: inputs[0].name, output: outputs[0].name, nodes: nodes, parameters: parameters, buffers: buffers, integers: integers)
            do {
                try configuration.validate()
            } catch {
                throw ONNXImportError("the graph cannot run: \(error.message)")
            }
            let dims = inputs[0].shape.dropFirst()
            let sampleShape = dims.allSatisfy { ($0 ?? 0) > 0 } && !inputs[0].shape.isEmpty ? dims.map { $0! } : nil
            let graphModule = ONNXGraph(configuration: configuration, weights: weights, constants: constants)
            // One sample must run through the graph: shapes that do not fit are found here, as an
            // error naming the node, not when the model is first used.
            // The file's input shape is checked against the allocation limit before zeros of it exist.
            if let sampleShape {
                do {
                    _ = try graphModule.checkedOutputShape(forInput: [1] + sampleShape)
                } catch {
                    throw ONNXImportError(
                        "the graph does not run on an input of shape \([1] + sampleShape): \(error.layer.isEmpty ? "" : "\(error.layer): ")\(error.message)"
                    )
                }
            }
            return (graphModule, sampleShape)
        }
    }
}
