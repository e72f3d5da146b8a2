import NeuriteCore
import NeuriteNN

/// What an optimiser remembers about one parameter between steps (Adam's moment estimates, SGD's
/// velocity): a struct of optional tensors, nil until the first update makes them. Each field's
/// PyTorch name is written once, in `tensorFields`; only checkpoints use the names.
public protocol ParameterState: Sendable {
    /// The state before the first update.
    init()
    /// Each tensor field with PyTorch's name for it (`exp_avg`, `momentum_buffer`, …).
    static var tensorFields: [(name: String, field: WritableKeyPath<Self, Tensor?>)] { get }
    /// The field that counts updates (PyTorch's `step`), for optimisers that keep one.
    static var stepField: WritableKeyPath<Self, Int>? { get }
}

extension ParameterState {
    public static var stepField: WritableKeyPath<Self, Int>? { nil }

    /// PyTorch's name of the step count.
    static var stepName: String { "step" }

    /// The state as named values, as a checkpoint stores it.
    var savedValues: [String: OptimizerState.Values] {
        var values: [String: OptimizerState.Values] = [:]
        for (name, field) in Self.tensorFields {
            if let tensor = self[keyPath: field] { values[name] = OptimizerState.Values(tensor) }
        }
        if let stepField = Self.stepField { values[Self.stepName] = OptimizerState.Values(Tensor(Float(self[keyPath: stepField]))) }
        return values
    }

    /// The state a checkpoint stored for a parameter of `shape`, or an error naming what does not fit.
    init(saved values: [String: OptimizerState.Values], parameterShape shape: [Int], parameter index: Int) throws(OptimizerStateError) {
        self.init()
        let known = Set(Self.tensorFields.map(\.name) + (Self.stepField == nil ? [] : [Self.stepName]))
        if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
            throw OptimizerStateError(
                message:
                    "optimizer state '\(unknown)' of parameter \(index) is not one this optimizer keeps (\(known.sorted().joined(separator: ", ")))")
        }
        for (name, field) in Self.tensorFields {
            guard let saved = values[name] else { continue }
            guard saved.shape == shape, saved.scalars.count == shape.reduce(1, *) else {
                throw OptimizerStateError(
                    message:
                        "optimizer state '\(name)' of parameter \(index) has shape \(saved.shape) and \(saved.scalars.count) values, the parameter shape \(shape)"
                )
            }
            self[keyPath: field] = Tensor(saved.scalars, shape: shape)
        }
        if let stepField = Self.stepField, let saved = values[Self.stepName] {
            guard saved.scalars.count == 1, let step = Int(exactly: saved.scalars[0]), step >= 0 else {
                throw OptimizerStateError(
                    message: "optimizer state 'step' of parameter \(index) must be one non-negative whole number, found \(saved.scalars)")
            }
            self[keyPath: stepField] = step
        }
    }
}

/// An optimiser with a typed state per parameter: subclasses implement one parameter's
/// `update`, which runs inside `withoutGradients` and changes `Parameter.value` in place.
open class StatefulOptimizer<State: ParameterState>: Optimizer {
    private var states: [ObjectIdentifier: State] = [:]

    /// What the optimiser remembers about `parameter`; nil before its first update.
    public func state(of parameter: Parameter) -> State? { states[ObjectIdentifier(parameter)] }

    public override func step() {
        withoutGradients {
            for group in groups {
                for parameter in group.parameters where parameter.isTrainable {
                    let key = ObjectIdentifier(parameter)
                    if let gradient = parameter.gradient {
                        var state = states.removeValue(forKey: key) ?? State()
                        update(parameter, gradient: gradient, group: group, state: &state)
                        states[key] = state
                    } else if let rows = parameter.sparseGradient {
                        // Taken out of the dictionary so that its tensors can change in place.
                        var state = states.removeValue(forKey: key) ?? State()
                        update(parameter, rows: rows, group: group, state: &state)
                        states[key] = state
                    }
                }
            }
        }
    }

    /// One parameter's update. Runs without gradient recording.
    open func update(_ parameter: Parameter, gradient: Tensor, group: Group, state: inout State) {
        preconditionFailure("\(type(of: self)) does not implement update")
    }

    /// One update of a table from a row-sparse gradient (a sparse `Embedding`). By default the
    /// gradient is densified and `update(_:gradient:group:state:)` runs: exactly the dense update,
    /// at the cost of the whole table. `Adam` and `SGD` override it to touch only the rows.
    open func update(_ parameter: Parameter, rows: RowSparseGradient, group: Group, state: inout State) {
        update(parameter, gradient: rows.densified(), group: group, state: &state)
    }

    public override var state: OptimizerState {
        OptimizerState(
            learningRates: groups.map(\.learningRate),
            parameters: parameters.map { states[ObjectIdentifier($0)]?.savedValues ?? [:] })
    }

    public override func load(_ saved: OptimizerState) throws(OptimizerStateError) {
        try checkShape(of: saved)
        var restored: [ObjectIdentifier: State] = [:]
        for (index, (parameter, values)) in zip(parameters, saved.parameters).enumerated() where !values.isEmpty {
            restored[ObjectIdentifier(parameter)] = try State(saved: values, parameterShape: parameter.shape, parameter: index)
        }
        for index in groups.indices { groups[index].learningRate = saved.learningRates[index] }
        states = restored
    }
}
