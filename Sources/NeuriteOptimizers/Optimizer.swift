import NeuriteCore
import NeuriteNN

/// Parameters that share hyper-parameters (PyTorch's param groups): for example a pretrained body
/// with a small learning rate and a new head with a larger one, or biases without weight decay.
public struct ParameterGroup {
    /// The parameters of the group.
    public var parameters: [Parameter]
    /// The group's own learning rate; nil takes the optimiser's.
    public var learningRate: Float?
    /// The group's own weight decay; nil takes the optimiser's.
    public var weightDecay: Float?

    /// A group of `parameters` with its own learning rate or weight decay where given.
    public init(_ parameters: [Parameter], learningRate: Float? = nil, weightDecay: Float? = nil) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }
}

/// A hyper-parameter that cannot be used; thrown by the optimisers' initialisers and by
/// `Settings.validate()`.
public struct OptimizerConfigurationError: Error, CustomStringConvertible, Equatable {
    /// What is wrong, naming the setting and its value.
    public let message: String
    /// An error saying `message`.
    public init(message: String) { self.message = message }
    public var description: String { message }

    /// Throws `message` unless `condition` holds.
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(OptimizerConfigurationError) {
        if !condition { throw OptimizerConfigurationError(message: message()) }
    }
}

/// The base of every optimiser: parameter groups, `step()` and `zeroGradients()`, and the state a
/// checkpoint saves. Optimisers derive from `StatefulOptimizer`, which keeps their typed
/// per-parameter state.
open class Optimizer {
    /// A parameter group as the optimiser runs it, with the optimiser's values filled in.
    public struct Group {
        /// The group's parameters.
        public var parameters: [Parameter]
        /// The learning rate now; schedules rewrite it from `baseLearningRate`.
        public var learningRate: Float
        /// The weight decay now.
        public var weightDecay: Float
        /// The learning rate the group started with (what schedules scale).
        public let baseLearningRate: Float
    }

    /// The parameter groups, in the order they were given.
    public var groups: [Group]

    init(groups: [ParameterGroup], learningRate: Float, weightDecay: Float, name: String) throws(OptimizerConfigurationError) {
        self.groups = groups.map { group in
            let rate = group.learningRate ?? learningRate
            return Group(parameters: group.parameters, learningRate: rate, weightDecay: group.weightDecay ?? weightDecay, baseLearningRate: rate)
        }
        for group in self.groups {
            try OptimizerConfigurationError.require(
                group.learningRate >= 0 && group.learningRate.isFinite,
                "\(name): learning rate \(group.learningRate) must be a finite non-negative number")
            try OptimizerConfigurationError.require(
                group.weightDecay >= 0 && group.weightDecay.isFinite,
                "\(name): weight decay \(group.weightDecay) must be a finite non-negative number")
        }
    }

    /// Every parameter, in group order.
    public var parameters: [Parameter] { groups.flatMap(\.parameters) }

    /// Updates every trainable parameter that has a gradient, in place, without recording.
    open func step() {
        preconditionFailure("\(type(of: self)) does not implement step()")
    }

    /// Clears the gradients of every parameter.
    public func zeroGradients() { for parameter in parameters { parameter.zeroGradient() } }

    /// The momentum-like hyper-parameter a one-cycle schedule cycles (SGD's momentum, Adam's β₁);
    /// nil where there is none.
    open var cycledMomentum: Float? {
        get { nil }
        set {}
    }

    /// The state to save in a checkpoint: each group's learning rate and, per parameter in group
    /// order, its state tensors under PyTorch's names.
    open var state: OptimizerState {
        OptimizerState(learningRates: groups.map(\.learningRate), parameters: parameters.map { _ in [:] })
    }

    /// Restores a state saved from an optimiser of the same kind over parameters of the same shapes.
    open func load(_ saved: OptimizerState) throws(OptimizerStateError) {
        try checkShape(of: saved)
        for index in groups.indices { groups[index].learningRate = saved.learningRates[index] }
    }

    /// Checks that `saved` has one learning rate per group and one entry per parameter.
    func checkShape(of saved: OptimizerState) throws(OptimizerStateError) {
        guard saved.learningRates.count == groups.count else {
            throw OptimizerStateError(message: "optimizer state has \(saved.learningRates.count) parameter groups, the optimizer \(groups.count)")
        }
        let count = groups.reduce(0) { $0 + $1.parameters.count }
        guard saved.parameters.count == count else {
            throw OptimizerStateError(message: "optimizer state has \(saved.parameters.count) parameters, the optimizer \(count)")
        }
    }
}

/// What an optimiser saves: plain values under PyTorch's state names, `Codable` for checkpoint
/// files.
public struct OptimizerState: Codable, Equatable, Sendable {
    /// A tensor's shape and values.
    public struct Values: Codable, Equatable, Sendable {
        /// The tensor's shape.
        public let shape: [Int]
        /// The values in row-major order.
        public let scalars: [Float]
        /// A tensor's shape and values.
        public init(_ tensor: Tensor) {
            shape = tensor.shape
            scalars = tensor.scalars
        }
        /// Values of `shape`, row-major.
        public init(shape: [Int], scalars: [Float]) {
            self.shape = shape
            self.scalars = scalars
        }
    }

    /// Each group's learning rate when saved.
    public var learningRates: [Float]
    /// Per parameter, in group order: the state by PyTorch's name (`exp_avg`, `step`, …).
    public var parameters: [[String: Values]]

    /// A state of the given rates and per-parameter values.
    public init(learningRates: [Float], parameters: [[String: Values]]) {
        self.learningRates = learningRates
        self.parameters = parameters
    }
}

/// A saved optimiser state that does not fit the optimiser it is loaded into.
public struct OptimizerStateError: Error, CustomStringConvertible, Equatable {
    /// What does not fit, naming the parameter and the state.
    public let message: String
    /// An error saying `message`.
    public init(message: String) { self.message = message }
    public var description: String { message }
}
