import NeuriteCore

/// A model imported from ONNX, run node by node: any graph (a chain or not) of the operators
/// `ONNXGraph.supportedOperators` lists, with ONNX's semantics (opset 13–17). Weights the graph
/// multiplies by (`Gemm`, `MatMul`, `Conv`, normalisation scales and shifts, `PRelu` slopes,
/// `Gather` tables) are `Parameter`s, so the model trains and fine-tunes like any other; other
/// float constants are `Buffer`s. State-dict keys are the ONNX initializers' names (PyTorch's
/// `state_dict` names for a model exported from PyTorch). Integer tensors (ids, shapes) are held
/// as floats of whole numbers, as everywhere in Neurite.
public final class ONNXGraph: Module, DescribableLayer {
    /// A node attribute.
    public enum Attribute: Codable, Equatable, Sendable {
        /// An integer.
        case int(Int)
        /// A number.
        case float(Float)
        /// A list of integers.
        case ints([Int])
        /// A list of numbers.
        case floats([Float])
        /// A string.
        case string(String)
        /// A tensor (`Constant`'s value), row-major.
        case tensor(shape: [Int], values: [Float])
    }

    /// One operator application.
    public struct Node: Codable, Equatable, Sendable {
        /// The ONNX operator (`Gemm`, `Conv`, …).
        public var op: String
        /// The names of its inputs (an empty name is an omitted optional input).
        public var inputs: [String]
        /// The names of its outputs.
        public var outputs: [String]
        /// Its attributes, by name.
        public var attributes: [String: Attribute]

        /// A node.
        public init(op: String, inputs: [String], outputs: [String], attributes: [String: Attribute] = [:]) {
            (self.op, self.inputs, self.outputs, self.attributes) = (op, inputs, outputs, attributes)
        }
    }

    /// The graph: its nodes in an order where each input is computed before use, the input and
    /// output names, the weights' and constants' shapes (their values are the state dict), and
    /// small integer constants (shapes, pads) by name.
    public struct Configuration: LayerConfiguration {
        /// The graph's input.
        public var input: String
        /// The graph's output.
        public var output: String
        /// The nodes, in order.
        public var nodes: [Node]
        /// Trainable weights: name and shape, in the order the graph first uses them.
        public var parameters: [NamedShape]
        /// Float constants that are not trained: name and shape.
        public var buffers: [NamedShape]
        /// Integer constants (shapes, pads, axes): name, shape and values.
        public var integers: [NamedIntegers]

        /// A tensor's name and shape.
        public struct NamedShape: Codable, Equatable, Sendable {
            /// The initializer's name.
            public var name: String
            /// Its shape.
            public var shape: [Int]
            /// A name and shape.
            public init(name: String, shape: [Int]) { (self.name, self.shape) = (name, shape) }
        }

        /// An integer tensor's name, shape and values.
        public struct NamedIntegers: Codable, Equatable, Sendable {
            /// The initializer's name.
            public var name: String
            /// Its shape.
            public var shape: [Int]
            /// Its values, row-major.
            public var values: [Int]
            /// A name, shape and values.
            public init(name: String, shape: [Int], values: [Int]) { (self.name, self.shape, self.values) = (name, shape, values) }
        }

        /// A graph configuration.
        public init(input: String, output: String, nodes: [Node], parameters: [NamedShape], buffers: [NamedShape], integers: [NamedIntegers]) {
            (self.input, self.output, self.nodes) = (input, output, nodes)
            (self.parameters, self.buffers, self.integers) = (parameters, buffers, integers)
        }

        /// Every operator supported, every value computed before it is used, the output computed.
        public func validate() throws(LayerConfigurationError) {
            var known = Set([input] + parameters.map(\.name) + buffers.map(\.name) + integers.map(\.name) + [""])
            for (index, node) in nodes.enumerated() {
                try LayerConfigurationError.require(
                    ONNXGraph.supportedOperators.contains(node.op), "node \(index): operator \(node.op) is not supported")
                for name in node.inputs {
                    try LayerConfigurationError.require(known.contains(name), "node \(index) (\(node.op)): input '\(name)' is not computed before it")
                }
                known.formUnion(node.outputs)
            }
            try LayerConfigurationError.require(known.contains(output), "the output '\(output)' is not computed by any node")
            for tensor in parameters + buffers {
                try LayerConfigurationError.requireAllocatable(tensor.shape, for: "'\(tensor.name)'")
            }
            for constant in integers {
                try LayerConfigurationError.requireAllocatable(constant.shape, for: "'\(constant.name)'")
                try LayerConfigurationError.require(
                    constant.shape.reduce(1, *) == constant.values.count,
                    "'\(constant.name)' has \(constant.values.count) values for shape \(constant.shape)")
            }
        }
    }

    /// The operators the graph runs.
    public static let supportedOperators: Set<String> = [
        "Identity", "Dropout", "Relu", "Sigmoid", "Tanh", "Erf", "Exp", "Log", "Sqrt", "Neg", "Abs", "LeakyRelu", "Elu", "HardSwish",
        "Softplus", "PRelu", "Add", "Sub", "Mul", "Div", "Pow", "MatMul", "Gemm", "Flatten", "Reshape", "Transpose", "Softmax", "LogSoftmax",
        "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization", "LayerNormalization", "Gather",
        "Cast", "Pad", "Constant", "Shape", "Concat", "Unsqueeze", "Squeeze", "Equal", "Not", "Max", "Min", "ReduceSum", "ReduceMean",
        "ReduceMax",
    ]

    public static var layerType: String { "ONNXGraph" }

    /// The graph.
    public let configuration: Configuration
    /// The trainable weights, by initializer name.
    public let weights: [String: Parameter]
    /// The constant float tensors, by initializer name.
    public let constants: [String: Buffer]

    /// A graph with the given weights and constants (their names and shapes must be the
    /// configuration's).
    public init(configuration: Configuration, weights: [String: Tensor], constants: [String: Tensor]) {
        self.configuration = configuration.validated(for: "ONNXGraph")
        self.weights = Dictionary(
            uniqueKeysWithValues: configuration.parameters.map { ($0.name, Parameter(weights[$0.name] ?? Tensor.zeros($0.shape))) })
        self.constants = Dictionary(
            uniqueKeysWithValues: configuration.buffers.map { ($0.name, Buffer(constants[$0.name] ?? Tensor.zeros($0.shape))) })
        super.init()
    }

    /// A graph of zeros, for a model file's weights to replace.
    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(configuration: configuration, weights: [:], constants: [:])
    }

    /// The weights, named by their initializers, in the graph's order.
    public override var ownParameters: [(name: String, parameter: Parameter)] {
        configuration.parameters.map { ($0.name, weights[$0.name]!) }
    }

    /// The constants, named by their initializers.
    public override var ownBuffers: [(name: String, buffer: Buffer)] {
        configuration.buffers.map { ($0.name, constants[$0.name]!) }
    }

    public override var layerDescription: String {
        "ONNXGraph(\(configuration.nodes.count) nodes: \(Array(Set(configuration.nodes.map(\.op))).sorted().joined(separator: ", ")))"
    }

    /// Runs the graph on `input`, checking each node's inputs first.
    /// - Throws: `LayerShapeError` naming the node, its operator and what does not fit.
    public func evaluate(_ input: Tensor) throws(LayerShapeError) -> Tensor {
        var values: [String: Tensor] = [configuration.input: input]
        for (name, parameter) in weights { values[name] = parameter.value }
        for (name, buffer) in constants { values[name] = buffer.value }
        for constant in configuration.integers { values[constant.name] = Tensor(constant.values.map(Float.init), shape: constant.shape) }
        for (index, node) in configuration.nodes.enumerated() {
            let inputs = node.inputs.map { $0.isEmpty ? nil : values[$0] }
            if let problem = ONNXChecks.problem(node, inputs) {
                throw LayerShapeError(layer: "node \(index) (\(node.op))", "\(problem) (input shapes \(inputs.map { $0?.shape ?? [] }))")
            }
            let result = ONNXOperators.run(node, inputs)
            for (name, value) in zip(node.outputs, result) { values[name] = value }
        }
        guard let output = values[configuration.output] else { throw LayerShapeError("the output '\(configuration.output)' was not computed") }
        return output
    }

    /// The graph's output; a node whose inputs do not fit stops the program naming it (use
    /// `evaluate` to get the error instead).
    public override func forward(_ input: Tensor) -> Tensor {
        do {
            return try evaluate(input)
        } catch {
            fatalError("\(layerDescription): \(error.layer): \(error.message)")
        }
    }

    /// The shape of the output for `shape`, by running the graph on zeros of that shape (ONNX
    /// shapes can depend on values); throws naming the node that does not fit.
    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        try evaluate(Tensor.zeros(shape).detached()).shape
    }
}

extension ONNXGraph.Node {
    /// The integer attribute `name`, or `fallback` when the node has none of that type.
    func int(_ name: String, _ fallback: Int) -> Int {
        if case .int(let value) = attributes[name] { return value }
        return fallback
    }

    /// The float attribute `name`, or `fallback`.
    func float(_ name: String, _ fallback: Float) -> Float {
        if case .float(let value) = attributes[name] { return value }
        return fallback
    }

    /// The integer-list attribute `name`, or nil.
    func ints(_ name: String) -> [Int]? {
        if case .ints(let value) = attributes[name] { return value }
        return nil
    }

    /// The string attribute `name`, or `fallback`.
    func string(_ name: String, _ fallback: String) -> String {
        if case .string(let value) = attributes[name] { return value }
        return fallback
    }
}
