/// What one epoch of training measured.
public struct EpochLog: Sendable, Equatable, Codable {
    /// 0-based.
    public let epoch: Int
    /// The mean training loss over the epoch's batches (weighted by batch size), measured while
    /// the weights changed, as Keras and PyTorch loops report it.
    public let loss: Double
    /// Training accuracy over the epoch (classification only).
    public let accuracy: Double?
    public let validationLoss: Double?
    public let validationAccuracy: Double?
    /// The first group's learning rate during the epoch's last batch (before a per-epoch schedule
    /// moves it for the next epoch).
    public let learningRate: Float
    /// Wall-clock seconds of the epoch, validation included.
    public let seconds: Double

    public init(
        epoch: Int, loss: Double, accuracy: Double?, validationLoss: Double?, validationAccuracy: Double?,
        learningRate: Float, seconds: Double
    ) {
        self.epoch = epoch
        self.loss = loss
        self.accuracy = accuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate
        self.seconds = seconds
    }

    /// A value by Keras's log name: `loss`, `accuracy`, `val_loss`, `val_accuracy`, `lr`.
    public subscript(metric: String) -> Double? {
        switch metric {
        case "loss": loss
        case "accuracy": accuracy
        case "val_loss": validationLoss
        case "val_accuracy": validationAccuracy
        case "lr": Double(learningRate)
        default: nil
        }
    }

    /// The names `subscript(metric:)` answers for this log.
    public var availableMetrics: [String] {
        ["loss", "accuracy", "val_loss", "val_accuracy", "lr"].filter { self[$0] != nil }
    }
}

/// The record of a `fit` call (Keras's `History`).
public struct History: Sendable, Codable, Equatable {
    public var epochs: [EpochLog] = []
    /// Why training stopped before the last epoch (early stopping, divergence), if it did.
    public var stopReason: String?

    /// An empty history.
    public init() {}

    /// The values of one metric per epoch (nil where absent).
    public func values(of metric: String) -> [Double?] { epochs.map { $0[metric] } }

    /// The history as CSV: `epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds`, epochs from 1.
    public var csv: String {
        func format(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        let rows = epochs.map { log in
            ["\(log.epoch + 1)", format(log.loss), format(log.accuracy), format(log.validationLoss),
             format(log.validationAccuracy), "\(log.learningRate)", format(log.seconds)].joined(separator: ",")
        }
        return (["epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds"] + rows).joined(separator: "\n") + "\n"
    }
}
