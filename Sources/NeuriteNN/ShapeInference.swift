import NeuriteCore

/// A model whose layers do not chain: an input of some shape reaches a layer that cannot take it.
/// `layer` is the dotted path of the layer in the model (`"2"`, `"3.body.0"`; empty for the
/// model itself), as in its parameter names.
public struct LayerShapeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The layer, by its path in the model.
    public var layer: String
    /// What does not fit.
    public let message: String

    /// An error at `layer` saying `message`.
    public init(layer: String = "", _ message: String) {
        self.layer = layer
        self.message = message
    }

    /// `"layer 2: Dense(128 => 10) takes inputs ending in 128 features, got [1, 64]"`.
    public var description: String { layer.isEmpty ? message : "layer \(layer): \(message)" }

    /// The error as seen from the parent that holds the failing layer under `name`.
    func inside(_ name: String) -> LayerShapeError {
        LayerShapeError(layer: layer.isEmpty ? name : "\(name).\(layer)", message)
    }

    /// Throws `message` unless `condition` holds.
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(LayerShapeError) {
        if !condition { throw LayerShapeError(message()) }
    }
}

extension Module {
    /// The output shape for `shape` when the model can say (every layer infers its shape), after
    /// checking that the input fits every layer; nil when some layer cannot say.
    /// - Throws: `LayerShapeError` naming the first layer the shapes do not fit, or an output that
    ///   would exceed `SizeLimit`.
    public func checkedOutputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        if let problem = SizeLimit.problem(allocating: shape, for: "an input") { throw LayerShapeError(problem) }
        return try outputShape(forInput: shape)
    }
}

extension Sequential {
    /// Checks that the layers chain when the input shape is not known: from the first `Dense`
    /// layer on (whose input width is known), shapes are inferred as for `[1, inFeatures]`. A
    /// model without a `Dense` layer is not checked.
    /// - Throws: `LayerShapeError` naming the first layer the shapes do not fit.
    public func checkLayersChain() throws(LayerShapeError) {
        guard let first = layers.firstIndex(where: { $0 is Dense }), let dense = layers[first] as? Dense else { return }
        var shape = [1, dense.inFeatures]
        for index in first..<layers.count {
            do {
                guard let next = try layers[index].outputShape(forInput: shape) else { return }
                shape = next
            } catch {
                throw error.inside("\(index)")
            }
        }
    }
}
