import NeuriteCore

/// A residual block: `y = shortcut(x) + body(x)`, where the shortcut is the identity or, when the
/// body changes the width, a `projection` (usually a `Dense` without bias). The gradient flows
/// through the shortcut unchanged, which is what lets networks hundreds of layers deep train.
public final class Residual: Module, DescribableLayer {
    /// Whether the shortcut is projected; the body (and the projection) are the children.
    public struct Configuration: LayerConfiguration {
        /// Whether the skip path has a projection (false: the identity).
        public var projection: Bool
        /// A configuration.
        public init(projection: Bool) { self.projection = projection }
        public init(from decoder: Decoder) throws {
            projection = try decoder.container(keyedBy: CodingKeys.self).decode(.projection, default: false)
        }
        private enum CodingKeys: String, CodingKey { case projection }
    }

    /// The residual branch F.
    public let body: Module
    /// The skip path's projection P (nil: the identity), for when F changes the shape.
    public let projection: Module?

    /// `y = F(x) + x`, or `F(x) + P(x)` with a projection (He et al., 2016).
    public init(_ body: Module, projection: Module? = nil) {
        self.body = body
        self.projection = projection
        super.init()
    }

    /// A residual block whose branch is the layers the builder lists.
    public convenience init(projection: Module? = nil, @LayerBuilder _ build: () -> [Module]) {
        self.init(Sequential(build()), projection: projection)
    }

    public static var takesChildren: Bool { true }
    public var configuration: Configuration { Configuration(projection: projection != nil) }
    public var describedChildren: [Module] { [body] + (projection.map { [$0] } ?? []) }

    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) throws(LayerConfigurationError) {
        let expected = configuration.projection ? 2 : 1
        try LayerConfigurationError.require(
            children.count == expected,
            "expected \(expected == 2 ? "2 children (the body and the projection)" : "1 child (the body); set \"projection\": true for a projected shortcut"), got \(children.count)"
        )
        self.init(children[0], projection: configuration.projection ? children[1] : nil)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        let shortcut = projection.map { $0(input) } ?? input
        let residual = body(input)
        precondition(
            shortcut.shape == residual.shape,
            "Residual: the body gives shape \(residual.shape) but the shortcut \(shortcut.shape); add a projection")
        return shortcut + residual
    }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        let residual: [Int]?
        do { residual = try body.outputShape(forInput: shape) } catch { throw error.inside("body") }
        var shortcut: [Int]? = shape
        if let projection {
            do { shortcut = try projection.outputShape(forInput: shape) } catch { throw error.inside("projection") }
        }
        guard let residual, let shortcut else { return nil }
        try LayerShapeError.require(
            residual == shortcut,
            "Residual: the body gives shape \(residual) but the shortcut \(shortcut); add a projection")
        return residual
    }
}
