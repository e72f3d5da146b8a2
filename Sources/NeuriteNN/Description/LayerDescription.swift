/// The architecture of a model as data: a layer type, its configuration and its children, as
/// stored in a model file's metadata (`neurite.architecture`) and read by `neurite import`, so
/// that the model can be rebuilt without the code that built it:
/// `{"type": "Dense", "config": {"in": 784, "out": 256, "bias": true}, "children": []}`.
public struct LayerDescription: Codable, Equatable, Sendable {
    /// The registered layer type, e.g. `Dense`.
    public var type: String
    /// The configuration, by the layer's coding keys.
    public var config: [String: ConfigValue]
    /// The child layers, in order.
    public var children: [LayerDescription]

    /// A description of a layer.
    public init(type: String, config: [String: ConfigValue] = [:], children: [LayerDescription] = []) {
        self.type = type
        self.config = config
        self.children = children
    }

    private enum CodingKeys: String, CodingKey { case type, config, children }

    /// `config` and `children` may be left out of hand-written descriptions.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        config = try container.decodeIfPresent([String: ConfigValue].self, forKey: .config) ?? [:]
        children = try container.decode(.children, default: [])
    }
}
