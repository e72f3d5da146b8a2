import Foundation
import NeuriteCore
import Synchronization

/// The layer types a model description may name, by `layerType`, and the conversion between
/// modules and descriptions. The built-in layers are registered from the start; a program adds
/// its own with `register(_:)` before it reads model files that use them.
public enum LayerRegistry {
    /// Every built-in layer type: adding a layer to Neurite means adding it here.
    public static let builtInTypes: [any DescribableLayer.Type] = [
        Sequential.self, Residual.self, Dense.self, Flatten.self, Identity.self, Dropout.self, BatchNorm.self, LayerNorm.self,
        ReLU.self, LeakyReLU.self, PReLU.self, ELU.self, GELU.self, SiLU.self, Hardswish.self, Softplus.self, Sigmoid.self, Tanh.self,
        Softmax.self, LogSoftmax.self, Conv1D.self, Conv2D.self, MaxPool1D.self, MaxPool2D.self, AvgPool1D.self, AvgPool2D.self,
        AdaptiveAvgPool1D.self, AdaptiveAvgPool2D.self, AdaptiveMaxPool1D.self, AdaptiveMaxPool2D.self, BasicBlock.self, Dropout2D.self,
        Embedding.self, EmbeddingBag.self, Transpose.self, Standardize.self, ONNXGraph.self,
    ]

    private static let types = Mutex<[String: any DescribableLayer.Type]>(
        Dictionary(uniqueKeysWithValues: builtInTypes.map { ($0.layerType, $0) }))

    /// Makes `type` available to `build` under its `layerType` (replacing any type of that name).
    public static func register(_ type: any DescribableLayer.Type) {
        types.withLock { $0[type.layerType] = type }
    }

    /// The registered type named `layerType`, if any.
    public static func type(named layerType: String) -> (any DescribableLayer.Type)? {
        types.withLock { $0[layerType] }
    }

    /// The names of every registered type, sorted.
    public static var registeredNames: [String] { types.withLock { $0.keys.sorted() } }

    // MARK: Describing

    /// The description of `module` and its children.
    /// - Throws: naming the first module that is not a registered `DescribableLayer`.
    public static func describe(_ module: Module, path: String = "model") throws(LayerDescriptionError) -> LayerDescription {
        guard let layer = module as? any DescribableLayer else {
            throw LayerDescriptionError(
                path: path, layerType: module.typeName,
                "this layer type cannot be described in a model file; make it a DescribableLayer and register it (LayerRegistry.register(\(module.typeName).self))"
            )
        }
        return try describe(layer, path: path)
    }

    private static func describe<Layer: DescribableLayer>(_ layer: Layer, path: String) throws(LayerDescriptionError) -> LayerDescription {
        guard let registered = type(named: Layer.layerType), ObjectIdentifier(registered) == ObjectIdentifier(Layer.self) else {
            throw LayerDescriptionError(
                path: path, layerType: Layer.layerType,
                "this layer type is not registered, so the file could not be read back; call LayerRegistry.register(\(Layer.self).self)")
        }
        let config: [String: ConfigValue]
        do {
            config = try JSONDecoder().decode([String: ConfigValue].self, from: JSONEncoder().encode(layer.configuration))
        } catch {
            throw LayerDescriptionError(path: path, layerType: Layer.layerType, "its configuration does not encode as a JSON object: \(error)")
        }
        var children: [LayerDescription] = []
        for (index, child) in layer.describedChildren.enumerated() { children.append(try describe(child, path: "\(path).\(index)")) }
        return LayerDescription(type: Layer.layerType, config: config, children: children)
    }

    // MARK: Building

    /// Builds the module `description` describes, with fresh weights drawn from `generator`
    /// (children first, in order, as code that builds the same model would draw them).
    public static func build(_ description: LayerDescription, generator: inout PhiloxGenerator, path: String = "model") throws(LayerDescriptionError)
        -> Module
    {
        guard let type = type(named: description.type) else {
            throw LayerDescriptionError(
                path: path, layerType: nil,
                "unknown layer type '\(description.type)' (known: \(registeredNames.joined(separator: ", ")))")
        }
        var children: [Module] = []
        for (index, child) in description.children.enumerated() {
            children.append(try build(child, generator: &generator, path: "\(path).\(index)"))
        }
        do {
            return try make(type, config: description.config, children: children, generator: &generator)
        } catch {
            throw LayerDescriptionError(path: path, layerType: description.type, error.message)
        }
    }

    /// Builds the module `description` describes, drawing its weights from a generator seeded from
    /// the default one (`DefaultGenerator`), so that `DefaultGenerator.seed(_:)` makes it reproducible.
    public static func build(_ description: LayerDescription, path: String = "model") throws(LayerDescriptionError) -> Module {
        var generator = DefaultGenerator.makeGenerator()
        return try build(description, generator: &generator, path: path)
    }

    private static func make<Layer: DescribableLayer>(
        _ type: Layer.Type, config: [String: ConfigValue], children: [Module], generator: inout PhiloxGenerator
    ) throws(LayerConfigurationError) -> Layer {
        let configuration: Layer.Configuration
        do {
            configuration = try JSONDecoder().decode(Layer.Configuration.self, from: JSONEncoder().encode(config))
        } catch let error as DecodingError {
            throw LayerConfigurationError(error)
        } catch {
            throw LayerConfigurationError("\(error)")
        }
        try configuration.validate()
        try LayerConfigurationError.require(Layer.takesChildren || children.isEmpty, "takes no children, got \(children.count)")
        return try Layer(configuration: configuration, children: children, generator: &generator)
    }
}

/// A model description that cannot be built or a module that cannot be described: where in the
/// model (`model.2.0`), which layer type, and what is wrong.
public struct LayerDescriptionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The layer's place: `model`, then child indices.
    public let path: String
    /// The layer's type, where the description names one.
    public let layerType: String?
    /// What is wrong.
    public let message: String

    /// An error at `path` (such as `model.2`), in a layer of type `layerType` where known.
    public init(path: String, layerType: String?, _ message: String) {
        self.path = path
        self.layerType = layerType
        self.message = message
    }

    /// `model.0 (Dense)`.
    public var location: String { layerType.map { "\(path) (\($0))" } ?? path }

    /// `model.0 (Dense): 'out' must be an integer`.
    public var description: String { "\(location): \(message)" }
}
