import NeuriteCore
import NeuriteNN

/// Parameters that share hyper-parameters (PyTorch's param groups): for example a pretrained body
/// with a small learning rate and a new head with a larger one, or biases without weight decay.
public struct ParameterGroup {
    public var parameters: [Parameter]
    /// The group's learning rate; schedules rewrite it from `baseLearningRate`.
    public var learningRate: Float
    public var weightDecay: Float
    /// The learning rate the group started with (what schedules scale).
    public let baseLearningRate: Float

    /// A group; nil hyper-parameters take the optimiser's values.
    public init(_ parameters: [Parameter], learningRate: Float? = nil, weightDecay: Float? = nil) {
        self.parameters = parameters
        self.learningRate = learningRate ?? .nan
        self.weightDecay = weightDecay ?? .nan
        self.baseLearningRate = self.learningRate
    }

    init(_ group: ParameterGroup, defaultLearningRate: Float, defaultWeightDecay: Float) {
        parameters = group.parameters
        learningRate = group.learningRate.isNaN ? defaultLearningRate : group.learningRate
        weightDecay = group.weightDecay.isNaN ? defaultWeightDecay : group.weightDecay
        baseLearningRate = learningRate
    }
}

/// A hyper-parameter that cannot be used; thrown by the optimisers' initialisers.
public struct OptimizerConfigurationError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// The base of every optimiser: parameter groups, per-parameter state, `step()` and
/// `zeroGradients()`. Subclasses implement `update(_:gradient:group:state:)` for one parameter.
open class Optimizer {
    public var groups: [ParameterGroup]
    /// Per-parameter state (moment estimates, step counts), by parameter identity.
    var states: [ObjectIdentifier: [String: Tensor]] = [:]

    init(groups: [ParameterGroup], learningRate: Float, weightDecay: Float, name: String) throws(OptimizerConfigurationError) {
        self.groups = groups.map { ParameterGroup($0, defaultLearningRate: learningRate, defaultWeightDecay: weightDecay) }
        for group in self.groups {
            try Self.require(group.learningRate >= 0, "\(name): learning rate \(group.learningRate) is negative")
            try Self.require(group.weightDecay >= 0, "\(name): weight decay \(group.weightDecay) is negative")
        }
    }

    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(OptimizerConfigurationError) {
        if !condition { throw OptimizerConfigurationError(message: message()) }
    }

    /// Every parameter, in group order.
    public var parameters: [Parameter] { groups.flatMap(\.parameters) }

    /// Updates every trainable parameter that has a gradient, in place, without recording.
    public func step() {
        withoutGradients {
            for group in groups {
                for parameter in group.parameters where parameter.isTrainable {
                    guard let gradient = parameter.gradient else { continue }
                    let key = ObjectIdentifier(parameter)
                    var state = states[key] ?? [:]
                    update(parameter, gradient: gradient, group: group, state: &state)
                    states[key] = state
                }
            }
        }
    }

    /// Clears the gradients of every parameter.
    public func zeroGradients() { for parameter in parameters { parameter.zeroGradient() } }

    /// One parameter's update. Runs without gradient recording.
    open func update(_ parameter: Parameter, gradient: Tensor, group: ParameterGroup, state: inout [String: Tensor]) {
        preconditionFailure("\(type(of: self)) does not implement update")
    }

    /// The momentum-like hyper-parameter a one-cycle schedule cycles (SGD's momentum, Adam's β₁);
    /// nil where there is none.
    open var cycledMomentum: Float? {
        get { nil }
        set {}
    }

    // MARK: State

    /// The state to save in a checkpoint: each group's learning rate and, per parameter in group
    /// order, its named state tensors.
    public var state: OptimizerState {
        OptimizerState(
            learningRates: groups.map(\.learningRate),
            parameters: parameters.map { parameter in
                (states[ObjectIdentifier(parameter)] ?? [:]).mapValues { OptimizerState.Values($0) }
            })
    }

    /// Restores a state saved from an optimiser of the same kind over parameters of the same shapes.
    public func load(_ saved: OptimizerState) throws(OptimizerStateError) {
        guard saved.learningRates.count == groups.count else {
            throw OptimizerStateError(message: "optimizer state has \(saved.learningRates.count) parameter groups, the optimizer \(groups.count)")
        }
        let parameters = self.parameters
        guard saved.parameters.count == parameters.count else {
            throw OptimizerStateError(message: "optimizer state has \(saved.parameters.count) parameters, the optimizer \(parameters.count)")
        }
        var restored: [ObjectIdentifier: [String: Tensor]] = [:]
        for (index, (parameter, entries)) in zip(parameters, saved.parameters).enumerated() {
            var tensors: [String: Tensor] = [:]
            for (name, values) in entries {
                guard values.scalars.count == values.shape.reduce(1, *) else {
                    throw OptimizerStateError(message: "optimizer state '\(name)' of parameter \(index): \(values.scalars.count) values for shape \(values.shape)")
                }
                guard values.shape == parameter.shape || values.shape.isEmpty else {
                    throw OptimizerStateError(message: "optimizer state '\(name)' of parameter \(index) has shape \(values.shape), the parameter \(parameter.shape)")
                }
                tensors[name] = Tensor(values.scalars, shape: values.shape)
            }
            if !tensors.isEmpty { restored[ObjectIdentifier(parameter)] = tensors }
        }
        for index in groups.indices { groups[index].learningRate = saved.learningRates[index] }
        states = restored
    }
}

/// What an optimiser saves: plain values, `Codable` for checkpoint files.
public struct OptimizerState: Codable, Equatable, Sendable {
    /// A tensor's shape and values.
    public struct Values: Codable, Equatable, Sendable {
        public let shape: [Int]
        public let scalars: [Float]
        public init(_ tensor: Tensor) { shape = tensor.shape; scalars = tensor.scalars }
        public init(shape: [Int], scalars: [Float]) { self.shape = shape; self.scalars = scalars }
    }

    public var learningRates: [Float]
    public var parameters: [[String: Values]]

    public init(learningRates: [Float], parameters: [[String: Values]]) {
        self.learningRates = learningRates
        self.parameters = parameters
    }
}

/// A saved optimiser state that does not fit the optimiser it is loaded into.
public struct OptimizerStateError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
