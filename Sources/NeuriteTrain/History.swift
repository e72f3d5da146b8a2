/// Metric values by name, in the order they were recorded (Keras's `logs`): `loss`, `accuracy`,
/// `val_loss`, `val_accuracy`, … .
public struct MetricValues: Sendable, Equatable, Codable, Sequence, ExpressibleByDictionaryLiteral {
    private var entries: [Entry] = []

    private struct Entry: Sendable, Equatable, Codable {
        var name: String
        var value: Double
    }

    /// An empty history.
    public init() {}

    public init(dictionaryLiteral elements: (String, Double)...) {
        for (name, value) in elements { self[name] = value }
    }

    /// The value named `name`; setting nil removes it, setting a new name appends it.
    public subscript(name: String) -> Double? {
        get { entries.first { $0.name == name }?.value }
        set {
            let index = entries.firstIndex { $0.name == name }
            switch (index, newValue) {
            case (let index?, let value?): entries[index].value = value
            case (let index?, nil): entries.remove(at: index)
            case (nil, let value?): entries.append(Entry(name: name, value: value))
            case (nil, nil): break
            }
        }
    }

    /// The names, in order.
    public var names: [String] { entries.map(\.name) }

    public func makeIterator() -> some IteratorProtocol<(name: String, value: Double)> {
        entries.lazy.map { (name: $0.name, value: $0.value) }.makeIterator()
    }

    public init(from decoder: Decoder) throws { entries = try [Entry](from: decoder) }
    public func encode(to encoder: Encoder) throws { try entries.encode(to: encoder) }
}

/// What one epoch of training measured.
public struct EpochLog: Sendable, Equatable, Codable {
    /// 0-based.
    public let epoch: Int
    /// The epoch's metrics by Keras's names: `loss` (the mean training loss over the epoch's
    /// batches, weighted by batch size, measured while the weights changed, as Keras and PyTorch
    /// loops report it), `accuracy` for classification, and `val_loss`, `val_accuracy` with
    /// validation data.
    public let metrics: MetricValues
    /// The first group's learning rate during the epoch's last batch (before a per-epoch schedule
    /// moves it for the next epoch).
    public let learningRate: Float
    /// Wall-clock seconds of the epoch, validation included.
    public let seconds: Double

    /// The log of epoch `epoch` (from 0).
    public init(epoch: Int, metrics: MetricValues, learningRate: Float, seconds: Double) {
        self.epoch = epoch
        self.metrics = metrics
        self.learningRate = learningRate
        self.seconds = seconds
    }

    /// The training loss (`loss`).
    public var loss: Double { metrics["loss"] ?? .nan }
    /// The training accuracy (`accuracy`), for classification.
    public var accuracy: Double? { metrics["accuracy"] }
    /// The validation loss (`val_loss`), with validation data.
    public var validationLoss: Double? { metrics["val_loss"] }
    /// The validation accuracy (`val_accuracy`), with validation data for classification.
    public var validationAccuracy: Double? { metrics["val_accuracy"] }

    /// A value by name: any metric, or `lr` for the learning rate.
    public subscript(metric: String) -> Double? {
        metric == "lr" ? Double(learningRate) : metrics[metric]
    }

    /// The names `subscript(metric:)` answers for this log.
    public var availableMetrics: [String] { metrics.names + ["lr"] }

    private enum CodingKeys: String, CodingKey {
        case epoch, metrics, learningRate, seconds
        // The first checkpoint format's fixed fields.
        case loss, accuracy, validationLoss, validationAccuracy
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        epoch = try container.decode(Int.self, forKey: .epoch)
        learningRate = try container.decode(Float.self, forKey: .learningRate)
        seconds = try container.decode(Double.self, forKey: .seconds)
        if let metrics = try container.decodeIfPresent(MetricValues.self, forKey: .metrics) {
            self.metrics = metrics
        } else {
            var metrics = MetricValues()
            metrics["loss"] = try container.decode(Double.self, forKey: .loss)
            metrics["accuracy"] = try container.decodeIfPresent(Double.self, forKey: .accuracy)
            metrics["val_loss"] = try container.decodeIfPresent(Double.self, forKey: .validationLoss)
            metrics["val_accuracy"] = try container.decodeIfPresent(Double.self, forKey: .validationAccuracy)
            self.metrics = metrics
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(epoch, forKey: .epoch)
        try container.encode(metrics, forKey: .metrics)
        try container.encode(learningRate, forKey: .learningRate)
        try container.encode(seconds, forKey: .seconds)
    }
}

/// The record of a `fit` call (Keras's `History`).
public struct History: Sendable, Codable, Equatable {
    /// One log per epoch run, in order.
    public var epochs: [EpochLog] = []
    /// Why training stopped before the last epoch (early stopping, divergence), if it did.
    public var stopReason: String?
    /// Why training diverged (a NaN or infinite loss or gradient), if it did; then the weights
    /// are not worth keeping.
    public var divergence: String?

    /// An empty history.
    public init() {}

    /// The values of one metric per epoch (nil where absent).
    public func values(of metric: String) -> [Double?] { epochs.map { $0[metric] } }

    /// The metric names of every epoch, in the order they first appear.
    public var metricNames: [String] {
        var names: [String] = []
        for log in epochs { for name in log.metrics.names where !names.contains(name) { names.append(name) } }
        return names
    }

    /// The history as CSV: `epoch`, each metric (`loss,accuracy,val_loss,val_accuracy` for a
    /// classifier with validation data), `lr` and `seconds`; epochs from 1, empty cells where an
    /// epoch lacks a metric.
    public var csv: String {
        let names = metricNames
        func format(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        let rows = epochs.map { log in
            (["\(log.epoch + 1)"] + names.map { format(log.metrics[$0]) } + ["\(log.learningRate)", format(log.seconds)]).joined(separator: ",")
        }
        return ([(["epoch"] + names + ["lr", "seconds"]).joined(separator: ",")] + rows).joined(separator: "\n") + "\n"
    }
}
