import NeuriteCore

/// A residual block: `y = shortcut(x) + body(x)`, where the shortcut is the identity or, when the
/// body changes the width, a `projection` (usually a `Dense` without bias). The gradient flows
/// through the shortcut unchanged, which is what lets networks hundreds of layers deep train.
public final class Residual: Module {
    public let body: Module
    public let projection: Module?

    public init(_ body: Module, projection: Module? = nil) {
        self.body = body
        self.projection = projection
        super.init()
    }

    public convenience init(projection: Module? = nil, @LayerBuilder _ build: () -> [Module]) {
        self.init(Sequential(build()), projection: projection)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        let shortcut = projection.map { $0(input) } ?? input
        let residual = body(input)
        precondition(shortcut.shape == residual.shape,
                     "Residual: the body gives shape \(residual.shape) but the shortcut \(shortcut.shape); add a projection")
        return shortcut + residual
    }
}
