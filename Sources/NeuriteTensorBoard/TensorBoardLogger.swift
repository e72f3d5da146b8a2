import NeuriteCore
import NeuriteNN
import NeuritePlot
import NeuriteTrain
import _NeuriteProtobuf

/// A callback that writes a run to a TensorBoard event file (`tensorboard --logdir DIRECTORY`):
///
/// - scalars per epoch, at step = the epoch counted from 1 (as `history.csv` counts it): every
///   metric of the epoch's log under its own name (`loss`, `accuracy`, `val_loss`, `mae`, …) and
///   the learning rate as `lr`;
/// - with `everySteps` N > 0, the loss of every N-th batch as `batch/loss`, at step = batches so
///   far;
/// - with `histograms`, each parameter's values (`weights/NAME`) and its last batch's gradients
///   (`gradients/NAME`) per epoch;
/// - the `hyperparameters` as a text table (`hyperparameters`) at step 0;
/// - pictures handed to `log(_:tag:step:)`.
///
/// Writing never stops training: the first error is kept in `lastError` and later writes are
/// skipped (the CLI reports it after the run).
public final class TensorBoardLogger: Callback {
    /// The event file written.
    public let writer: EventFileWriter
    /// Batches between `batch/loss` points; 0 for none.
    public let everySteps: Int
    /// Whether weights and gradients are logged as histograms every epoch.
    public let histograms: Bool
    /// The first error writing the file, if any.
    public private(set) var lastError: FileError?
    private let hyperparameters: [(String, String)]
    private var lastGradients: [(String, [Float])] = []

    /// A logger writing a new event file in `directory`; `hyperparameters` (name, value) are
    /// logged as a text table when training begins.
    /// - Throws: `FileError` when the directory or file cannot be made.
    public init(directory: String, hyperparameters: [(String, String)] = [], everySteps: Int = 0, histograms: Bool = true) throws(FileError) {
        precondition(everySteps >= 0, "TensorBoardLogger: everySteps \(everySteps) must not be negative")
        writer = try EventFileWriter(directory: directory)
        self.hyperparameters = hyperparameters
        self.everySteps = everySteps
        self.histograms = histograms
    }

    /// Writes `values` at `step` unless an earlier write failed.
    public func write(_ values: [SummaryValue], step: Int) {
        guard lastError == nil, !values.isEmpty else { return }
        do {
            try writer.write(values, step: step)
        } catch {
            lastError = error
        }
    }

    /// Logs `picture` as a PNG image under `tag`.
    public func log(_ picture: Canvas, tag: String, step: Int) {
        guard lastError == nil else { return }
        do {
            write([.image(tag: tag, png: try picture.pngData(), width: picture.width, height: picture.height)], step: step)
        } catch {
            lastError = FileError(file: writer.path, "cannot encode the picture \(tag): \(error.problem)")
        }
    }

    /// Logs the hyper-parameters as a Markdown table.
    public func trainingBegan(_ context: TrainingContext) {
        guard !hyperparameters.isEmpty else { return }
        let rows = hyperparameters.map { "| \($0.0) | \($0.1.replacingOccurrences(of: "|", with: "\\|")) |" }
        write([.text(tag: "hyperparameters", (["| setting | value |", "|---|---|"] + rows).joined(separator: "\n"))], step: 0)
    }

    /// Keeps the last batch's gradients for the epoch's histograms, and logs the batch loss every
    /// `everySteps` batches.
    public func gradientsComputed(_ context: TrainingContext, loss: Float) {
        if everySteps > 0, (context.globalStep + 1) % everySteps == 0 {
            write([.scalar(tag: "batch/loss", value: loss)], step: context.globalStep + 1)
        }
        if histograms, context.batch == context.batchesPerEpoch - 1 {
            lastGradients = context.model.namedParameters.compactMap { named in
                named.parameter.gradient.map { (named.name, $0.scalars) }
            }
        }
    }

    /// Logs the epoch's metrics, learning rate and histograms.
    public func epochEnded(_ context: TrainingContext, log: EpochLog) {
        let step = log.epoch + 1
        var values: [SummaryValue] = log.availableMetrics.filter { $0 != "lr" }.compactMap { name in
            log[name].map { SummaryValue.scalar(tag: name, value: Float($0)) }
        }
        values.append(.scalar(tag: "lr", value: log.learningRate))
        if histograms {
            for (name, parameter) in context.model.namedParameters {
                values.append(.histogram(tag: "weights/\(name)", .init(parameter.value.scalars)))
            }
            for (name, gradient) in lastGradients { values.append(.histogram(tag: "gradients/\(name)", .init(gradient))) }
            lastGradients = []
        }
        write(values, step: step)
    }
}
