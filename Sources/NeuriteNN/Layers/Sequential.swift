import NeuriteCore

/// Layers applied one after another; children are named `0`, `1`, … by position, counting
/// parameterless layers, as PyTorch's `nn.Sequential` (so `0.weight`, `2.running_mean`).
///
/// ```swift
/// let model = Sequential {
///     Dense(784, 256)
///     ReLU()
///     Dense(256, 10)
/// }
/// ```
public final class Sequential: Module, DescribableLayer {
    /// The layers, in the order they run.
    public let layers: [Module]

    /// A network of `layers`, run in order (PyTorch's `nn.Sequential`).
    public init(_ layers: [Module]) {
        self.layers = layers
        super.init()
    }

    /// A network of the layers the builder lists: `Sequential { Dense(4, 8); ReLU(); Dense(8, 1) }`.
    public convenience init(@LayerBuilder _ build: () -> [Module]) {
        self.init(build())
    }

    public static var takesChildren: Bool { true }
    public var configuration: NoConfiguration { NoConfiguration() }
    public var describedChildren: [Module] { layers }

    public convenience init(configuration: NoConfiguration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(children)
    }

    public override var namedChildren: [(name: String, module: Module)] {
        layers.enumerated().map { ("\($0.offset)", $0.element) }
    }

    /// Runs the layers in order. A `ReLU` followed by a `MaxPool` runs as one operation
    /// (`rectifiedMaxPool`: the same values and gradients, without writing the ReLU's output),
    /// and so does a convolution before them (`convolutionRectifiedMaxPool`), unless the layers'
    /// outputs are being observed (`activations(for:)`, Grad-CAM), which then see every layer run.
    public override func forward(_ input: Tensor) -> Tensor {
        let fusing = ModuleObservation.current == nil
        var output = input, index = 0
        while index < layers.count {
            if fusing, index + 2 < layers.count, layers[index + 1] is ReLU {
                if let convolution = layers[index] as? Conv2D, let pool = layers[index + 2] as? MaxPool2D {
                    output = convolution.forwardRectifiedMaxPool(output, pool)
                    index += 3
                    continue
                }
                if let convolution = layers[index] as? Conv1D, let pool = layers[index + 2] as? MaxPool1D {
                    output = convolution.forwardRectifiedMaxPool(output, pool)
                    index += 3
                    continue
                }
            }
            if fusing, index + 1 < layers.count, layers[index] is ReLU, let pool = layers[index + 1] as? any RectifiedPooling {
                output = pool.rectifiedForward(output)
                index += 2
            } else {
                output = layers[index](output)
                index += 1
            }
        }
        return output
    }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        var current = shape
        for (index, layer) in layers.enumerated() {
            do throws(LayerShapeError) {
                guard let next = try layer.outputShape(forInput: current) else { return nil }
                if let problem = SizeLimit.problem(allocating: next, for: "its output") {
                    throw LayerShapeError("\(layer.layerDescription): \(problem)")
                }
                current = next
            } catch {
                throw error.inside("\(index)")
            }
        }
        return current
    }

    /// The layer at `index`.
    public subscript(index: Int) -> Module { layers[index] }
}

/// Collects the layers written in a `Sequential { … }` block, with `if`, `for` and optionals.
@resultBuilder
public enum LayerBuilder {
    /// A layer.
    public static func buildExpression(_ layer: Module) -> [Module] { [layer] }
    /// A list of layers, spliced in.
    public static func buildExpression(_ layers: [Module]) -> [Module] { layers }
    /// The layers of a block, in order.
    public static func buildBlock(_ parts: [Module]...) -> [Module] { parts.flatMap { $0 } }
    /// Layers under `if`, when it holds.
    public static func buildOptional(_ part: [Module]?) -> [Module] { part ?? [] }
    /// The layers of an `if`'s first branch.
    public static func buildEither(first part: [Module]) -> [Module] { part }
    /// The layers of an `else` branch.
    public static func buildEither(second part: [Module]) -> [Module] { part }
    /// The layers of a `for` loop, in order.
    public static func buildArray(_ parts: [[Module]]) -> [Module] { parts.flatMap { $0 } }
}
