import Foundation

/// How `fit` reports progress.
public enum ProgressStyle: Sendable {
    /// A bar redrawn in place on a terminal; one line per epoch otherwise.
    case automatic
    /// One line per epoch.
    case lines
    /// Nothing.
    case quiet
}

/// Prints progress in Keras's format:
/// `12/47 ━━━━━━━━━━━━━━━━━━━━ 3s 21ms/step - accuracy: 0.8125 - loss: 0.5123`, redrawn with `\r`
/// on a terminal at most every 0.05 s, and a final line per epoch with the validation values.
final class ProgressPrinter: Callback {
    let style: ProgressStyle
    let write: (String) -> Void
    private var inPlace = false
    private var epochStart = Date()
    private var lastDraw = Date.distantPast
    private var firstStepEnd: Date?
    private var lastLength = 0

    init(style: ProgressStyle, write: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.style = style
        self.write = write
        inPlace = style == .automatic && isatty(STDOUT_FILENO) != 0
    }

    func batchEnded(_ context: TrainingContext, metrics: MetricValues) {
        if context.batch == 0 { firstStepEnd = Date() }
        guard inPlace, Date().timeIntervalSince(lastDraw) >= 0.05 || context.batch + 1 == context.batchesPerEpoch else { return }
        lastDraw = Date()
        let done = context.batch + 1, total = context.batchesPerEpoch
        let elapsed = Date().timeIntervalSince(epochStart)
        let perStep = done > 1 ? Date().timeIntervalSince(firstStepEnd ?? epochStart) / Double(done - 1) : elapsed
        let eta = perStep * Double(total - done)
        let line =
            "\(Self.counter(done, total)) \(Self.bar(done, total)) \(Self.duration(eta)) \(Self.stepTime(perStep))"
            + Self.metrics(metrics)
        draw(line)
    }

    func epochEnded(_ context: TrainingContext, log: EpochLog) {
        guard style != .quiet else { return }
        let total = context.batchesPerEpoch
        let perStep = log.seconds / Double(max(total, 1))
        let line =
            "Epoch \(log.epoch + 1)/\(context.epochs) - \(Self.counter(total, total)) - \(Self.duration(log.seconds)) \(Self.stepTime(perStep))"
            + Self.metrics(log.metrics) + " - lr: \(Self.value(Double(log.learningRate)))"
        if inPlace {
            draw(line)
            write("\n")
        } else {
            write(line + "\n")
        }
        lastLength = 0
        epochStart = Date()
        firstStepEnd = nil
    }

    private func draw(_ line: String) {
        let padding = String(repeating: " ", count: max(0, lastLength - line.count))
        write("\r" + line + padding)
        lastLength = line.count
    }

    static func counter(_ done: Int, _ total: Int) -> String {
        let width = String(total).count
        return String(repeating: " ", count: max(0, width - String(done).count)) + "\(done)/\(total)"
    }

    static func bar(_ done: Int, _ total: Int) -> String {
        let filled = total > 0 ? 20 * done / total : 20
        return String(repeating: "━", count: filled) + String(repeating: "─", count: 20 - filled)
    }

    /// `7s`, `1:05`, `1:02:03`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole >= 3600 { return String(format: "%d:%02d:%02d", whole / 3600, whole % 3600 / 60, whole % 60) }
        if whole >= 60 { return String(format: "%d:%02d", whole / 60, whole % 60) }
        return "\(whole)s"
    }

    /// `2s/step`, `115ms/step`, `830us/step`.
    static func stepTime(_ seconds: Double) -> String {
        if seconds >= 1 { return String(format: "%.0fs/step", seconds) }
        if seconds >= 1e-3 { return String(format: "%.0fms/step", seconds * 1e3) }
        return String(format: "%.0fus/step", seconds * 1e6)
    }

    /// Keras's number format: four decimals, or scientific notation for |v| ≤ 10⁻³.
    static func value(_ value: Double) -> String {
        abs(value) > 1e-3 ? String(format: "%.4f", value) : String(format: "%.4e", value)
    }

    /// ` - accuracy: 0.8125 - loss: 0.5123 - val_accuracy: …`, by name as Keras sorts its logs.
    static func metrics(_ metrics: MetricValues) -> String {
        metrics.names.sorted().map { " - \($0): \(value(metrics[$0]!))" }.joined()
    }
}
