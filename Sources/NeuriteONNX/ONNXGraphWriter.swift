import NeuriteCore
import _NeuriteProtobuf

/// An ONNX graph under construction, and its encoding as a `ModelProto` (`onnx.proto`, IR version
/// 8, opset 17): nodes in order, weights as float32 initializers, one input and one output with
/// a dynamic batch axis.
struct ONNXGraphWriter {
    /// A node attribute (`AttributeProto`).
    enum Attribute {
        case int(String, Int)
        case float(String, Float)
        case ints(String, [Int])
        case string(String, String)

        func encode(into writer: inout ProtobufWriter) {
            switch self {
            case .int(let name, let value):
                writer.string(1, name)
                writer.integer(3, Int64(value))
                writer.integer(20, 2)
            case .float(let name, let value):
                writer.string(1, name)
                writer.float(2, value)
                writer.integer(20, 1)
            case .ints(let name, let values):
                writer.string(1, name)
                writer.repeatedInteger(8, values.map(Int64.init))
                writer.integer(20, 7)
            case .string(let name, let value):
                writer.string(1, name)
                writer.string(4, value)
                writer.integer(20, 3)
            }
        }
    }

    private struct Node {
        let op: String, name: String, inputs: [String], outputs: [String], attributes: [Attribute]
    }

    private struct Initializer {
        let name: String, shape: [Int], scalars: [Float]?, integers: [Int64]?
    }

    private var nodes: [Node] = []
    private var initializers: [Initializer] = []
    private var counters: [String: Int] = [:]

    /// A name not used before, from `base`.
    private mutating func unique(_ base: String) -> String {
        let count = counters[base, default: 0]
        counters[base] = count + 1
        return count == 0 ? base : "\(base)_\(count)"
    }

    /// Adds a node and returns its (single) output's name.
    mutating func node(_ op: String, _ inputs: [String], _ attributes: [Attribute] = [], name: String) -> String {
        let nodeName = unique(name.isEmpty ? op : "\(name)/\(op)")
        let output = unique("\(nodeName):0")
        nodes.append(Node(op: op, name: nodeName, inputs: inputs, outputs: [output], attributes: attributes))
        return output
    }

    /// Adds `tensor` as a float32 initializer named `name` (made unique), returning the name.
    mutating func constant(_ tensor: Tensor, name: String) -> String {
        let unique = unique(name)
        initializers.append(Initializer(name: unique, shape: tensor.shape, scalars: tensor.scalars, integers: nil))
        return unique
    }

    /// Adds an int64 initializer (shapes, axes).
    mutating func integers(_ values: [Int], shape: [Int], name: String) -> String {
        let unique = unique(name)
        initializers.append(Initializer(name: unique, shape: shape, scalars: nil, integers: values.map(Int64.init)))
        return unique
    }

    /// Renames the last node's output to `name` (the graph's output).
    mutating func renameLastOutput(to name: String) {
        guard let last = nodes.popLast() else { return }
        nodes.append(Node(op: last.op, name: last.name, inputs: last.inputs, outputs: [name], attributes: last.attributes))
    }

    /// A `ValueInfoProto` of a float tensor whose first axis is the dynamic `batch`; the sample's
    /// axes are sizes, or dynamic (`length`, `length_2`, …) when `dynamic`.
    private static func valueInfo(
        _ name: String, sampleShape: [Int], dynamic: Bool = false, prefix: String = "length", into writer: inout ProtobufWriter
    ) {
        writer.string(1, name)
        writer.message(2) { type in
            type.message(1) { tensor in
                tensor.integer(1, 1)
                tensor.message(2) { shape in
                    shape.message(1) { $0.string(2, "batch") }
                    for (index, size) in sampleShape.enumerated() {
                        shape.message(1) { dynamic ? $0.string(2, index == 0 ? prefix : "\(prefix)_\(index + 1)") : $0.integer(1, Int64(size)) }
                    }
                }
            }
        }
    }

    /// The `ModelProto` bytes.
    func model(
        input: String, inputShape: [Int], dynamicInputAxes: Bool = false, output: String, outputShape: [Int],
        dynamicOutputAxes: Bool = false, graphName: String, documentation: String,
        metadata: [(String, String)]
    ) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.integer(1, 8)  // ir_version 8 goes with opset 17
        writer.string(2, "Neurite")
        writer.string(3, "1")
        writer.string(6, documentation)
        writer.message(7) { graph in
            for node in nodes {
                graph.message(1) { proto in
                    for input in node.inputs { proto.string(1, input) }
                    for output in node.outputs { proto.string(2, output) }
                    proto.string(3, node.name)
                    proto.string(4, node.op)
                    for attribute in node.attributes { proto.message(5) { attribute.encode(into: &$0) } }
                }
            }
            graph.string(2, graphName)
            for initializer in initializers {
                graph.message(5) { tensor in
                    tensor.repeatedInteger(1, initializer.shape.map(Int64.init))
                    tensor.integer(2, initializer.integers == nil ? 1 : 7)
                    tensor.string(8, initializer.name)
                    var raw: [UInt8] = []
                    if let scalars = initializer.scalars {
                        for value in scalars { withUnsafeBytes(of: value.bitPattern.littleEndian) { raw += $0 } }
                    } else if let integers = initializer.integers {
                        for value in integers { withUnsafeBytes(of: value.littleEndian) { raw += $0 } }
                    }
                    // Raw little-endian bytes; an empty tensor still says it has no data.
                    tensor.bytes(9, raw)
                }
            }
            graph.message(11) { Self.valueInfo(input, sampleShape: inputShape, dynamic: dynamicInputAxes, into: &$0) }
            graph.message(12) { Self.valueInfo(output, sampleShape: outputShape, dynamic: dynamicOutputAxes, prefix: "output", into: &$0) }
        }
        writer.message(8) { opset in
            opset.string(1, "")
            opset.integer(2, 17)
        }
        for (key, value) in metadata {
            writer.message(14) { entry in
                entry.string(1, key)
                entry.string(2, value)
            }
        }
        return writer.bytes
    }
}
