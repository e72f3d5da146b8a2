import NeuriteCore

/// A layer's construction as plain data (Keras's `get_config`): a `Codable` value whose coding
/// keys are the names a model description uses. `validate()` is the one place its values are
/// checked: the layer's initialiser stops on a bad value with the message, and reading a model
/// description throws it.
public protocol LayerConfiguration: Codable, Equatable, Sendable {
    /// Throws naming the first value that cannot make a layer.
    func validate() throws(LayerConfigurationError)
}

extension LayerConfiguration {
    public func validate() throws(LayerConfigurationError) {}

    /// The configuration, after stopping the program with `layer`'s name and the problem if it is
    /// invalid (a programmer error in code that builds layers; the message survives release builds).
    public func validated(for layer: String) -> Self {
        do {
            try validate()
        } catch {
            fatalError("\(layer): \(error.message)")
        }
        return self
    }
}

/// The configuration of a layer that has nothing to configure; written as `{}`.
public struct NoConfiguration: LayerConfiguration {
    /// An empty configuration.
    public init() {}
}

/// A layer that can be saved in a model file and rebuilt from it: it gives its configuration and
/// the children saved with it, and can be made again from them. Register the type with
/// `LayerRegistry.register(_:)` so that model files that use it can be read:
///
/// ```swift
/// final class Scale: Module, DescribableLayer {
///     struct Configuration: LayerConfiguration {
///         var factor: Float
///     }
///     let configuration: Configuration
///     init(_ factor: Float) { configuration = Configuration(factor: factor); super.init() }
///     convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
///         self.init(configuration.factor)
///     }
///     override func forward(_ input: Tensor) -> Tensor { input * configuration.factor }
/// }
/// LayerRegistry.register(Scale.self)
/// ```
public protocol DescribableLayer: Module {
    /// The layer's construction as plain data (`Codable`, validated by `validate()`).
    associatedtype Configuration: LayerConfiguration

    /// The layer's name in model descriptions; the Swift type's name unless given.
    static var layerType: String { get }

    /// Whether the layer is made with children (`Sequential`, `Residual`); false by default, and
    /// then a description that gives it children is an error.
    static var takesChildren: Bool { get }

    /// The values the layer was made with; everything else about it derives from them.
    var configuration: Configuration { get }

    /// The child modules saved with the layer, in the order the initialiser takes them back.
    var describedChildren: [Module] { get }

    /// A layer made from `configuration` (already validated) and rebuilt `children`, drawing any
    /// initial weights or seeds from `generator`. Throws when the children do not fit.
    init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) throws(LayerConfigurationError)
}

extension DescribableLayer {
    public static var layerType: String { String(describing: Self.self) }
    public static var takesChildren: Bool { false }
    public var describedChildren: [Module] { [] }
}

/// A layer without configuration, children or weights to draw (`ReLU`, `Tanh`): conforming needs
/// no code beyond `init()`.
public protocol ParameterlessLayer: DescribableLayer where Configuration == NoConfiguration {
    /// The layer.
    init()
}

extension ParameterlessLayer {
    /// The empty configuration.
    public var configuration: NoConfiguration { NoConfiguration() }
    public init(configuration: NoConfiguration, children: [Module], generator: inout PhiloxGenerator) {
        self.init()
    }
}

extension KeyedDecodingContainer {
    /// The value under `key`, or `value` when the description leaves the key out (a hand-written
    /// description may omit any setting that has a default).
    func decode<Value: Decodable>(_ key: Key, default value: Value) throws -> Value {
        try decodeIfPresent(Value.self, forKey: key) ?? value
    }
}
