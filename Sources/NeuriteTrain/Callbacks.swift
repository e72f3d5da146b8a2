import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteNN
import NeuriteOptimizers

/// Stops training, with a message naming the epoch and step, as soon as the loss or a gradient
/// is NaN or infinite, before the bad update is applied.
public final class DivergenceGuard: Callback {
    /// The message of the divergence, once it happened.
    public private(set) var divergence: String?

    /// A guard; `fit` always adds one.
    public init() {}

    /// The parameters of the model last checked: listing them walks the module tree by
    /// reflection, which cost more than the check itself at every step.
    private var checked: (model: ObjectIdentifier, parameters: [Parameter])?

    public func gradientsComputed(_ context: TrainingContext, loss: Float) {
        // Every step: one vectorised pass over each gradient; names and messages only on failure.
        var place: String { "epoch \(context.epoch + 1), step \(context.batch + 1) (global step \(context.globalStep + 1))" }
        if !loss.isFinite {
            diverge("training diverged at \(place): the loss is \(loss)", context)
            return
        }
        if checked?.model != ObjectIdentifier(context.model) {
            checked = (ObjectIdentifier(context.model), context.model.parameters)
        }
        for (index, parameter) in checked!.parameters.enumerated() {
            // A sparse table's gradient is its rows.
            guard let gradient = parameter.gradient ?? parameter.sparseGradient?.values, !gradient.allFinite else { continue }
            let name = context.model.namedParameters[index].name
            diverge("training diverged at \(place): the gradient of \(name) is not finite", context)
            return
        }
    }
}

extension DivergenceGuard {
    fileprivate func diverge(_ message: String, _ context: TrainingContext) {
        if divergence == nil { divergence = message }
        context.stop(reason: message)
    }
}

/// Clips the global gradient norm to `maxNorm` after every backward pass (`clipGradientNorm`),
/// before the update.
public final class GradientClipping: Callback {
    /// The largest global gradient norm allowed.
    public let maxNorm: Float
    /// Clips the global norm of the gradients to `maxNorm` before each step.
    public init(maxNorm: Float) { self.maxNorm = maxNorm }
    public func gradientsComputed(_ context: TrainingContext, loss: Float) {
        clipGradientNorm(context.model.parameters, maxNorm: maxNorm)
    }
}

/// Writes the history as CSV after every epoch, atomically (a temporary file renamed over the
/// old one), so the file is always complete.
public final class CSVLogger: Callback {
    /// The CSV file written.
    public let path: String
    /// The last write error, if any (training goes on).
    public private(set) var lastError: Error?

    /// A logger that rewrites `path` with the history after every epoch (atomically).
    public init(path: String) { self.path = path }

    public func epochEnded(_ context: TrainingContext, log: EpochLog) {
        var history = context.history
        history.epochs.append(log)
        do {
            try Data(history.csv.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            lastError = error
        }
    }
}
