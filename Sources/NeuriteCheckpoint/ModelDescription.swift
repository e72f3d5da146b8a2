import Foundation
import NeuriteCore
import NeuriteNN
import Synchronization

/// A value in a layer's configuration.
public enum ConfigValue: Codable, Equatable, Sendable {
    case int(Int), double(Double), bool(Bool), string(String), ints([Int]), null

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else { self = .ints(try container.decode([Int].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .ints(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}

/// The architecture of a model as data: a layer type, its configuration and its children, as
/// stored in a model file's metadata (`neurite.architecture`), so that the model can be rebuilt
/// without the code that built it.
public struct LayerDescription: Codable, Equatable, Sendable {
    public var type: String
    public var config: [String: ConfigValue]
    public var children: [LayerDescription]

    public init(type: String, config: [String: ConfigValue] = [:], children: [LayerDescription] = []) {
        self.type = type
        self.config = config
        self.children = children
    }
}

/// How one kind of layer is described and rebuilt. Layers defined later (or by users) register
/// themselves with `ModelDescriptions.register`.
public struct LayerCodec: Sendable {
    public let type: String
    /// The configuration of a layer of this kind and the modules to describe as its children.
    public let describe: @Sendable (Module) -> (config: [String: ConfigValue], children: [Module])?
    /// Builds a layer from its configuration and rebuilt children, or explains what is wrong.
    public let build: @Sendable (_ config: [String: ConfigValue], _ children: [Module]) throws(ConfigurationProblem) -> Module

    public init(
        type: String,
        describe: @escaping @Sendable (Module) -> (config: [String: ConfigValue], children: [Module])?,
        build: @escaping @Sendable (_ config: [String: ConfigValue], _ children: [Module]) throws(ConfigurationProblem) -> Module
    ) {
        self.type = type
        self.describe = describe
        self.build = build
    }
}

/// A configuration value that is missing or has the wrong type.
public struct ConfigurationProblem: Error, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// Reading configuration values with clear errors.
extension Dictionary where Key == String, Value == ConfigValue {
    public func int(_ key: String) throws(ConfigurationProblem) -> Int {
        guard case .int(let value)? = self[key] else { throw ConfigurationProblem("'\(key)' must be an integer") }
        return value
    }
    public func float(_ key: String) throws(ConfigurationProblem) -> Float {
        switch self[key] {
        case .double(let value)?: return Float(value)
        case .int(let value)?: return Float(value)
        default: throw ConfigurationProblem("'\(key)' must be a number")
        }
    }
    public func bool(_ key: String) throws(ConfigurationProblem) -> Bool {
        guard case .bool(let value)? = self[key] else { throw ConfigurationProblem("'\(key)' must be true or false") }
        return value
    }
    public func ints(_ key: String) throws(ConfigurationProblem) -> [Int] {
        guard case .ints(let value)? = self[key] else { throw ConfigurationProblem("'\(key)' must be a list of integers") }
        return value
    }
}

/// The registry of layer codecs and the conversion between modules and descriptions.
public enum ModelDescriptions {
    private static let codecs = Mutex<[String: LayerCodec]>(Dictionary(uniqueKeysWithValues: builtInCodecs.map { ($0.type, $0) }))

    /// Adds (or replaces) the codec of a layer type.
    public static func register(_ codec: LayerCodec) {
        codecs.withLock { $0[codec.type] = codec }
    }

    /// The description of `module` and its children.
    /// - Throws: a `CheckpointError` naming the first layer type that has no codec.
    public static func describe(_ module: Module) throws(CheckpointError) -> LayerDescription {
        let codec = codecs.withLock { $0[module.typeName] }
        guard let codec, let (config, children) = codec.describe(module) else {
            throw CheckpointError(file: "model", location: module.typeName, "this layer type cannot be described in a model file; register a LayerCodec for it")
        }
        var described: [LayerDescription] = []
        for child in children { described.append(try describe(child)) }
        return LayerDescription(type: codec.type, config: config, children: described)
    }

    /// Builds the module a description describes (with fresh weights).
    public static func build(_ description: LayerDescription, path: String = "model") throws(CheckpointError) -> Module {
        guard let codec = codecs.withLock({ $0[description.type] }) else {
            throw CheckpointError(file: "model", location: path, "unknown layer type '\(description.type)'")
        }
        var children: [Module] = []
        for (index, child) in description.children.enumerated() { children.append(try build(child, path: "\(path).\(index)")) }
        do {
            return try codec.build(description.config, children)
        } catch {
            throw CheckpointError(file: "model", location: "\(path) (\(description.type))", error.message)
        }
    }

    private static func simple(_ type: String, _ make: @escaping @Sendable () -> Module) -> LayerCodec {
        LayerCodec(type: type, describe: { _ in ([:], []) }, build: { _, _ in make() })
    }

    static var builtInCodecs: [LayerCodec] {
        [
            LayerCodec(type: "Dense", describe: { module in
                (module as? Dense).map { (["in": .int($0.inFeatures), "out": .int($0.outFeatures), "bias": .bool($0.bias != nil)], []) }
            }, build: { config, _ throws(ConfigurationProblem) in
                let (input, output) = (try config.int("in"), try config.int("out"))
                guard input > 0 && output > 0 else { throw ConfigurationProblem("feature counts must be positive") }
                var generator = PhiloxGenerator(seed: 0)
                return Dense(input, output, bias: try config.bool("bias"), generator: &generator)
            }),
            LayerCodec(type: "Sequential", describe: { module in (module as? Sequential).map { ([:], $0.layers) } },
                       build: { _, children in Sequential(children) }),
            LayerCodec(type: "Residual", describe: { module in
                (module as? Residual).map { (["projection": .bool($0.projection != nil)], [$0.body] + ($0.projection.map { [$0] } ?? [])) }
            }, build: { config, children throws(ConfigurationProblem) in
                let projected = try config.bool("projection")
                guard children.count == (projected ? 2 : 1) else { throw ConfigurationProblem("expected \(projected ? 2 : 1) children") }
                return Residual(children[0], projection: projected ? children[1] : nil)
            }),
            LayerCodec(type: "Flatten", describe: { module in
                (module as? Flatten).map { (["start": .int($0.startAxis), "end": .int($0.endAxis)], []) }
            }, build: { config, _ throws(ConfigurationProblem) in Flatten(startAxis: try config.int("start"), endAxis: try config.int("end")) }),
            LayerCodec(type: "Dropout", describe: { module in (module as? Dropout).map { (["p": .double(Double($0.probability))], []) } },
                       build: { config, _ throws(ConfigurationProblem) in
                           let p = try config.float("p")
                           guard (0...1).contains(p) else { throw ConfigurationProblem("'p' must be in [0, 1]") }
                           return Dropout(p)
                       }),
            LayerCodec(type: "BatchNorm", describe: { module in
                (module as? BatchNorm).map { (["features": .int($0.features), "epsilon": .double(Double($0.epsilon)),
                                               "momentum": $0.momentum.map { .double(Double($0)) } ?? .null, "affine": .bool($0.weight != nil)], []) }
            }, build: { config, _ throws(ConfigurationProblem) in
                let features = try config.int("features")
                guard features > 0 else { throw ConfigurationProblem("'features' must be positive") }
                let momentum: Float? = config["momentum"] == .null ? nil : try config.float("momentum")
                return BatchNorm(features, epsilon: try config.float("epsilon"), momentum: momentum, affine: try config.bool("affine"))
            }),
            LayerCodec(type: "LayerNorm", describe: { module in
                (module as? LayerNorm).map { (["shape": .ints($0.normalizedShape), "epsilon": .double(Double($0.epsilon)), "affine": .bool($0.weight != nil)], []) }
            }, build: { config, _ throws(ConfigurationProblem) in
                let shape = try config.ints("shape")
                guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else { throw ConfigurationProblem("'shape' must be positive lengths") }
                return LayerNorm(shape, epsilon: try config.float("epsilon"), elementwiseAffine: try config.bool("affine"))
            }),
            LayerCodec(type: "LeakyReLU", describe: { module in (module as? LeakyReLU).map { (["negativeSlope": .double(Double($0.negativeSlope))], []) } },
                       build: { config, _ throws(ConfigurationProblem) in LeakyReLU(negativeSlope: try config.float("negativeSlope")) }),
            LayerCodec(type: "ELU", describe: { module in (module as? ELU).map { (["alpha": .double(Double($0.alpha))], []) } },
                       build: { config, _ throws(ConfigurationProblem) in ELU(alpha: try config.float("alpha")) }),
            LayerCodec(type: "GELU", describe: { module in (module as? GELU).map { (["approximate": .bool($0.approximate == .tanh)], []) } },
                       build: { config, _ throws(ConfigurationProblem) in GELU(approximate: try config.bool("approximate") ? .tanh : .none) }),
            LayerCodec(type: "Softplus", describe: { module in
                (module as? Softplus).map { (["beta": .double(Double($0.beta)), "threshold": .double(Double($0.threshold))], []) }
            }, build: { config, _ throws(ConfigurationProblem) in Softplus(beta: try config.float("beta"), threshold: try config.float("threshold")) }),
            LayerCodec(type: "Softmax", describe: { module in (module as? Softmax).map { (["axis": .int($0.axis)], []) } },
                       build: { config, _ throws(ConfigurationProblem) in Softmax(axis: try config.int("axis")) }),
            LayerCodec(type: "LogSoftmax", describe: { module in (module as? LogSoftmax).map { (["axis": .int($0.axis)], []) } },
                       build: { config, _ throws(ConfigurationProblem) in LogSoftmax(axis: try config.int("axis")) }),
            simple("ReLU") { ReLU() }, simple("SiLU") { SiLU() }, simple("Sigmoid") { Sigmoid() },
            simple("Tanh") { Tanh() }, simple("Identity") { Identity() },
        ]
    }
}

/// Self-describing model files: weights (safetensors, PyTorch keys) plus the architecture as JSON
/// in the metadata under `neurite.architecture`.
public enum ModelFile {
    public static let architectureKey = "neurite.architecture"

    /// Writes `model` with its architecture, atomically.
    public static func save(_ model: Module, to path: String, metadata: [String: String] = [:]) throws(CheckpointError) {
        let description: LayerDescription
        do {
            description = try ModelDescriptions.describe(model)
        } catch {
            throw CheckpointError(file: path, location: error.location, error.problem)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let json = try? encoder.encode(description) else { throw CheckpointError(file: path, "cannot encode the architecture") }
        var all = metadata
        all[architectureKey] = String(decoding: json, as: UTF8.self)
        try model.saveWeights(to: path, metadata: all)
    }

    /// Rebuilds the model stored at `path` and loads its weights strictly; the model is returned
    /// in evaluation mode.
    public static func load(_ path: String) throws(CheckpointError) -> Module {
        let file = try SafeTensors.read(path)
        guard let json = file.metadata[architectureKey] else {
            throw CheckpointError(file: path, location: "__metadata__", "no architecture (\(architectureKey)); load the weights into a model built in code with loadWeights(from:)")
        }
        let description: LayerDescription
        do {
            description = try JSONDecoder().decode(LayerDescription.self, from: Data(json.utf8))
        } catch {
            throw CheckpointError(file: path, location: "__metadata__.\(architectureKey)", "malformed architecture JSON")
        }
        let model: Module
        do {
            model = try ModelDescriptions.build(description)
        } catch {
            throw CheckpointError(file: path, location: error.location, error.problem)
        }
        do {
            try model.loadStateDict(file.tensors)
        } catch {
            throw CheckpointError(file: path, error.description)
        }
        model.eval()
        return model
    }
}
