import NeuriteCore

/// The base class of every layer and model (PyTorch's `nn.Module`).
///
/// A subclass stores its `Parameter`s, `Buffer`s, `RandomStream`s and child modules in properties and overrides
/// `forward(_:)`; calling the module (`model(x)`) runs it. Parameters, buffers, streams and children are
/// found by reflection, in declaration order, and named by dotted paths that match PyTorch's
/// `state_dict` keys: a property `runningMean` is named `running_mean` (camelCase becomes
/// snake_case), an array of modules `blocks` gives `blocks.0`, `blocks.1`, …, and `Sequential`
/// numbers its layers `0`, `1`, … counting parameterless layers too. An optional property that is
/// nil is skipped.
open class Module: CustomStringConvertible {
    /// Whether the module is in training mode (the default): dropout drops and batch
    /// normalisation uses batch statistics. `eval()` switches it off.
    public private(set) var isTraining = true

    /// A module without parameters; subclasses add theirs as stored properties.
    public init() {}

    /// The computation of this module. Override it; call the module itself to run it.
    open func forward(_ input: Tensor) -> Tensor {
        preconditionFailure("\(typeName): forward(_:) is not implemented")
    }

    /// The shape `forward(_:)` gives for an input of `shape` (batch axis included), worked out
    /// without computing anything; nil when the layer cannot say (the default, for layers that do
    /// not override it). Built-in layers override it, so a model read from a file or description
    /// is checked against its data before it runs.
    /// - Throws: `LayerShapeError` when the input does not fit the layer (or one of its children).
    open func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? { nil }

    /// Runs `forward(_:)` and reports the output to any observer, which may replace it (see
    /// `ModuleObservation`).
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let output = forward(input)
        return ModuleObservation.current?.record(self, input: input, output: output) ?? output
    }

    // MARK: Structure

    /// The direct children with their names. By default every stored property that holds a module,
    /// an optional module or an array of modules; containers override it.
    open var namedChildren: [(name: String, module: Module)] {
        var children: [(name: String, module: Module)] = []
        for (label, value) in reflectedProperties() {
            if let module = value as? Module {
                children.append((label, module))
            } else if let modules = value as? [Module] {
                for (index, module) in modules.enumerated() { children.append(("\(label).\(index)", module)) }
            }
        }
        return children
    }

    /// This module's own parameters (not its children's), with their names.
    open var ownParameters: [(name: String, parameter: Parameter)] {
        reflectedProperties().compactMap { label, value in (value as? Parameter).map { (label, $0) } }
    }

    /// This module's own buffers, with their names.
    open var ownBuffers: [(name: String, buffer: Buffer)] {
        reflectedProperties().compactMap { label, value in (value as? Buffer).map { (label, $0) } }
    }

    /// This module's own random streams, with their names.
    open var ownRandomStreams: [(name: String, stream: RandomStream)] {
        reflectedProperties().compactMap { label, value in (value as? RandomStream).map { (label, $0) } }
    }

    /// Every module in the tree, this one first (named ""), depth first.
    public var namedModules: [(name: String, module: Module)] {
        var result: [(name: String, module: Module)] = [("", self)]
        for (name, child) in namedChildren {
            result += child.namedModules.map { (Self.join(name, $0.name), $0.module) }
        }
        return result
    }

    /// Every parameter in the tree with its dotted name (`0.weight`, `encoder.1.bias`), in
    /// PyTorch's order: a module's own parameters, then its children's.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        var result = ownParameters
        for (name, child) in namedChildren {
            result += child.namedParameters.map { (Self.join(name, $0.name), $0.parameter) }
        }
        return result
    }

    /// Every buffer in the tree with its dotted name.
    public var namedBuffers: [(name: String, buffer: Buffer)] {
        var result = ownBuffers
        for (name, child) in namedChildren {
            result += child.namedBuffers.map { (Self.join(name, $0.name), $0.buffer) }
        }
        return result
    }

    /// Every random stream in the tree with its dotted name (`3.mask_stream`).
    public var namedRandomStreams: [(name: String, stream: RandomStream)] {
        var result = ownRandomStreams
        for (name, child) in namedChildren {
            result += child.namedRandomStreams.map { (Self.join(name, $0.name), $0.stream) }
        }
        return result
    }

    /// Every parameter in the tree.
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// The parameters that receive gradients.
    public var trainableParameters: [Parameter] { parameters.filter(\.isTrainable) }

    /// The number of scalars in all parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.scalarCount } }

    /// The number of scalars in trainable parameters.
    public var trainableParameterCount: Int { trainableParameters.reduce(0) { $0 + $1.value.scalarCount } }

    // MARK: Modes and freezing

    /// Puts this module and all its descendants in training mode (`training: true`) or in
    /// evaluation mode.
    public func train(_ training: Bool = true) {
        for (_, module) in namedModules { module.isTraining = training }
    }

    /// Puts this module and all its descendants in evaluation mode (PyTorch's `eval()`).
    public func eval() { train(false) }

    /// Stops every parameter in the tree from receiving gradients.
    public func freeze() { for parameter in parameters { parameter.isTrainable = false } }

    /// Lets every parameter in the tree receive gradients again.
    public func unfreeze() { for parameter in parameters { parameter.isTrainable = true } }

    /// Clears the gradients of every parameter in the tree.
    public func zeroGradients() { for parameter in parameters { parameter.zeroGradient() } }

    // MARK: Printing

    /// One line that reads like the constructor, e.g. `Dense(784 => 256)`.
    open var layerDescription: String { "\(typeName)()" }

    /// The module as a tree, like PyTorch prints it:
    /// ```
    /// Sequential(
    ///   (0): Dense(784 => 256)
    ///   (1): ReLU()
    /// )
    /// ```
    public var description: String {
        let children = namedChildren
        guard !children.isEmpty else { return layerDescription }
        let lines = children.map { name, child in
            "  (\(name)): " + child.description.replacingNewlines(with: "\n  ")
        }
        return "\(typeName)(\n" + lines.joined(separator: "\n") + "\n)"
    }

    /// The class name without module qualification.
    public var typeName: String {
        // A described layer's name in files (`Conv2D`, not the generic `Convolution<TwoAxes>`).
        if let layer = self as? any DescribableLayer { return type(of: layer).layerType }
        return String(describing: type(of: self))
    }

    // MARK: Reflection

    /// Stored properties of the subclasses (not of `Module` itself), in declaration order, with
    /// their labels converted to snake_case and optionals unwrapped (nil ones left out).
    func reflectedProperties() -> [(String, Any)] {
        var mirrors: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let current = mirror, current.subjectType != Module.self {
            mirrors.append(current)
            mirror = current.superclassMirror
        }
        var properties: [(String, Any)] = []
        for current in mirrors.reversed() {
            for child in current.children {
                guard let label = child.label, let value = Self.unwrapped(child.value) else { continue }
                properties.append((Self.snakeCased(label), value))
            }
        }
        return properties
    }

    private static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.map { unwrapped($0.value) } ?? nil
    }

    /// `runningMean` → `running_mean`; a leading underscore (from property wrappers or private
    /// storage) is dropped.
    static func snakeCased(_ label: String) -> String {
        var result = ""
        for character in label.drop(while: { $0 == "_" }) {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    static func join(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : (name.isEmpty ? prefix : prefix + "." + name)
    }
}

extension String {
    func replacingNewlines(with replacement: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
