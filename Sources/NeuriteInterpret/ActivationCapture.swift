import NeuriteCore
import NeuriteData
import NeuriteNN

/// The outputs of a model's layers for one batch, by layer name (the names of
/// `Module.namedModules`, as in a state dict: `"0"`, `"2"`, `"block.1"`).
public struct LayerActivations {
    /// The recorded layers, in the order they ran.
    public let names: [String]
    /// The output of each recorded layer (its last call, if it ran more than once).
    public let outputs: [String: Tensor]

    /// The output of the layer named `name`, if captured.
    public subscript(name: String) -> Tensor? { outputs[name] }
}

extension Module {
    /// The names of the layers that have no children, in tree order: the default set of layers
    /// whose activations are captured.
    public var leafLayerNames: [String] {
        namedModules.filter { !$0.name.isEmpty && $0.module.namedChildren.isEmpty }.map(\.name)
    }

    /// Runs the model on `inputs` and records the outputs of the named layers (PyTorch's forward
    /// hooks), without changing the model: the layers report to a task-local observer.
    ///
    /// - Parameters:
    ///   - inputs: a batch `[N, …]`.
    ///   - layers: the layers to record (default: every layer without children).
    /// - Returns: the model's output and the recorded activations, detached from the graph.
    /// - Precondition: every name in `layers` names a module of this model.
    public func activations(for inputs: Tensor, layers: [String]? = nil) -> (output: Tensor, activations: LayerActivations) {
        let modules = namedModules
        let wanted = layers ?? leafLayerNames
        var nameOf: [ObjectIdentifier: String] = [:]
        for name in wanted {
            guard let module = modules.first(where: { $0.name == name })?.module else {
                preconditionFailure("activations: no layer named '\(name)'; the layers are \(modules.map(\.name).filter { !$0.isEmpty })")
            }
            nameOf[ObjectIdentifier(module)] = name
        }
        let observation = ModuleObservation()
        let output = withoutGradients { observation.observe { self(inputs.detached()) } }
        var names: [String] = [], outputs: [String: Tensor] = [:]
        for record in observation.records {
            guard let name = nameOf[ObjectIdentifier(record.module)] else { continue }
            if outputs[name] == nil { names.append(name) }
            outputs[name] = record.output.detached()
        }
        return (output, LayerActivations(names: names, outputs: outputs))
    }
}

/// Statistics of one layer's outputs over a data set.
public struct LayerStatistics: Sendable, CustomStringConvertible {
    /// The layer's name and type (`"1"`, `"ReLU"`).
    public let name: String, type: String
    /// The mean and the (population) variance of every output value.
    public let mean: Double, variance: Double
    /// Units: features of `[N, F]` outputs, channels of `[N, C, …]` ones.
    public let unitCount: Int
    /// The units whose output was never above zero for any example (and position): for a ReLU,
    /// the dead units, which pass no gradient and learn nothing.
    public let deadUnits: [Int]

    /// The share of units that never activated.
    public var deadFraction: Double { unitCount == 0 ? 0 : Double(deadUnits.count) / Double(unitCount) }

    public var description: String {
        "\(name) (\(type)): mean \(mean), variance \(variance), dead \(deadUnits.count) of \(unitCount)"
    }
}

extension Module {
    /// Per-layer statistics of the activations over every example of `data`: mean, variance and
    /// the units that never activate. Runs in batches of `batchSize`, without gradients.
    ///
    /// - Parameter layers: the layers to describe (default: every layer without children).
    public func activationStatistics(on data: any Dataset, layers: [String]? = nil, batchSize: Int = 256) -> [LayerStatistics] {
        precondition(batchSize >= 1, "activationStatistics: batch size \(batchSize) must be positive")
        let layers = layers ?? leafLayerNames
        var accumulators: [String: StatisticsAccumulator] = [:]
        for start in stride(from: 0, to: data.count, by: batchSize) {
            let batch = data.batch(at: Array(start..<min(data.count, start + batchSize)))
            let captured = activations(for: batch.inputs, layers: layers).activations
            for name in captured.names {
                accumulators[name, default: StatisticsAccumulator()].add(captured.outputs[name]!)
            }
        }
        let types = Dictionary(namedModules.map { ($0.name, $0.module.typeName) }, uniquingKeysWith: { first, _ in first })
        return layers.compactMap { name in accumulators[name].map { $0.statistics(name: name, type: types[name] ?? "?") } }
    }

    /// The examples of `data` on which a hidden unit responds most, strongest first: the unit's
    /// output (averaged over positions for `[N, C, …]` outputs) for every example, the top `count`.
    public func topActivatingExamples(layer: String, unit: Int, in data: any Dataset, count: Int = 16, batchSize: Int = 256) -> [(
        index: Int, activation: Float
    )] {
        var scores: [(index: Int, activation: Float)] = []
        for start in stride(from: 0, to: data.count, by: batchSize) {
            let batch = data.batch(at: Array(start..<min(data.count, start + batchSize)))
            guard let output = activations(for: batch.inputs, layers: [layer]).activations[layer] else {
                preconditionFailure("topActivatingExamples: layer '\(layer)' did not run")
            }
            let units = unitActivations(output)
            precondition(
                (0..<units.units).contains(unit),
                "topActivatingExamples: unit \(unit) is out of range for layer '\(layer)' with outputs \(output.shape)")
            for row in 0..<units.rows { scores.append((start + row, units.values[row * units.units + unit])) }
        }
        return Array(scores.sorted { $0.activation > $1.activation || ($0.activation == $1.activation && $0.index < $1.index) }.prefix(count))
    }
}

/// Each example's value per unit: `[N, units]` row-major, averaging positions of `[N, C, …]`.
func unitActivations(_ output: Tensor) -> (rows: Int, units: Int, values: [Float]) {
    switch output.rank {
    case 0: return (1, 1, output.scalars)
    case 1: return (output.shape[0], 1, output.scalars)
    case 2: return (output.shape[0], output.shape[1], output.scalars)
    default:
        let pooled = output.reshaped([output.shape[0], output.shape[1], -1]).mean(axis: 2)
        return (output.shape[0], output.shape[1], pooled.scalars)
    }
}

/// Running mean/variance (Chan's parallel merge, in `Double`) and which units were ever positive.
struct StatisticsAccumulator {
    var count = 0.0, mean = 0.0, squaredDeviations = 0.0
    var everPositive: [Bool] = []

    mutating func add(_ output: Tensor) {
        let values = output.scalars
        guard !values.isEmpty else { return }
        let batchCount = Double(values.count)
        let batchMean = values.reduce(0.0) { $0 + Double($1) } / batchCount
        let batchSquares = values.reduce(0.0) { $0 + (Double($1) - batchMean) * (Double($1) - batchMean) }
        let delta = batchMean - mean, total = count + batchCount
        squaredDeviations += batchSquares + delta * delta * count * batchCount / total
        mean += delta * batchCount / total
        count = total

        let units = output.rank >= 2 ? output.shape[1] : 1
        let inner = output.rank >= 2 ? output.shape.dropFirst(2).reduce(1, *) : 1
        if everPositive.isEmpty { everPositive = Array(repeating: false, count: units) }
        for (index, value) in values.enumerated() where value > 0 {
            everPositive[(index / inner) % units] = true
        }
    }

    func statistics(name: String, type: String) -> LayerStatistics {
        LayerStatistics(
            name: name, type: type, mean: mean, variance: count > 0 ? squaredDeviations / count : 0,
            unitCount: everPositive.count, deadUnits: everPositive.indices.filter { !everPositive[$0] })
    }
}
