import NeuriteCore

/// Classification and regression metrics computed from predictions and targets.
public enum Metrics {
    /// The fraction of rows of `logits` `[N, C]` whose largest entry is at the target class.
    public static func accuracy(logits: Tensor, labels: Tensor) -> Double {
        topKAccuracy(logits: logits, labels: labels, k: 1)
    }

    /// The fraction of rows whose target class is among the `k` largest entries (ties counted
    /// in the target's favour only when strictly fewer than `k` entries are larger). A row that
    /// holds a NaN counts as wrong: a diverged model must not score.
    public static func topKAccuracy(logits: Tensor, labels: Tensor, k: Int) -> Double {
        precondition(
            logits.rank == 2 && labels.shape == [logits.shape[0]], "topKAccuracy: logits \(logits.shape) and labels \(labels.shape) do not match")
        let (rows, classes) = (logits.shape[0], logits.shape[1])
        guard rows > 0 else { return .nan }
        let values = logits.scalars, targets = labels.scalars
        var hits = 0
        for row in 0..<rows {
            let target = Int(targets[row])
            precondition((0..<classes).contains(target), "topKAccuracy: label \(targets[row]) is not a class in 0..<\(classes)")
            let scores = values[(row * classes)..<((row + 1) * classes)]
            if scores.contains(where: \.isNaN) { continue }
            let score = values[row * classes + target]
            let larger = (0..<classes).filter { values[row * classes + $0] > score }.count
            if larger < k { hits += 1 }
        }
        return Double(hits) / Double(rows)
    }

    /// `matrix[actual][predicted]` counts for `classes` classes.
    public static func confusionMatrix(predictions: Tensor, labels: Tensor, classes: Int) -> [[Int]] {
        precondition(predictions.shape == labels.shape, "confusionMatrix: predictions \(predictions.shape) and labels \(labels.shape) differ")
        var matrix = Array(repeating: Array(repeating: 0, count: classes), count: classes)
        for (predicted, actual) in zip(predictions.scalars, labels.scalars) {
            let (p, a) = (Int(predicted), Int(actual))
            precondition((0..<classes).contains(p) && (0..<classes).contains(a), "confusionMatrix: class \(max(p, a)) is not in 0..<\(classes)")
            matrix[a][p] += 1
        }
        return matrix
    }

    /// Precision, recall and F1 of one class.
    public struct ClassScores: Sendable, Equatable {
        /// Precision, recall, F1 (0 where undefined, as scikit-learn's `zero_division=0`) and the class's samples.
        public let precision: Double, recall: Double, f1: Double, support: Int
        /// The scores of one class.
        public init(precision: Double, recall: Double, f1: Double, support: Int) {
            self.precision = precision
            self.recall = recall
            self.f1 = f1
            self.support = support
        }
    }

    /// Per-class precision `TP/(TP+FP)`, recall `TP/(TP+FN)` and F1 (their harmonic mean) from a
    /// confusion matrix; 0 where a denominator is 0 (scikit-learn's `zero_division=0`).
    public static func classScores(confusion: [[Int]]) -> [ClassScores] {
        confusion.indices.map { c in
            let truePositives = Double(confusion[c][c])
            let predicted = Double(confusion.map { $0[c] }.reduce(0, +))
            let actual = Double(confusion[c].reduce(0, +))
            let precision = predicted > 0 ? truePositives / predicted : 0
            let recall = actual > 0 ? truePositives / actual : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            return ClassScores(precision: precision, recall: recall, f1: f1, support: Int(actual))
        }
    }

    /// Mean absolute error.
    public static func meanAbsoluteError(_ predictions: Tensor, _ targets: Tensor) -> Double {
        precondition(predictions.shape == targets.shape, "meanAbsoluteError: \(predictions.shape) and \(targets.shape) differ")
        return Double(withoutGradients { abs(predictions - targets).mean().scalar })
    }

    /// Mean squared error.
    public static func meanSquaredError(_ predictions: Tensor, _ targets: Tensor) -> Double {
        precondition(predictions.shape == targets.shape, "meanSquaredError: \(predictions.shape) and \(targets.shape) differ")
        return Double(withoutGradients { square(predictions - targets).mean().scalar })
    }
}
