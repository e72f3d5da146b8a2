import NeuriteCore
import NeuriteData
import NeuriteInterpret
import NeuriteNN
import NeuriteOptimizers
import NeuriteTrain
import Testing
import _NeuriteTestSupport

/// Integrated gradients on a trained network: the attributions account for the change of the
/// output (completeness).
@Suite("Integrated gradients on a trained digits MLP")
struct CompletenessTests {
    @Test func completenessHoldsWithin1PercentWith64GaussLegendreSteps() throws {
        let (train, test) = try Digits.trainTestSplit()
        DefaultGenerator.seed(0)
        let model = Sequential {
            Flatten()
            Dense(64, 64)
            ReLU()
            Dense(64, 10)
        }
        let optimizer = try Adam(model.parameters, learningRate: 3e-3)
        let loss = { (logits: Tensor, labels: Tensor) in crossEntropy(logits: logits, classIndices: labels) }
        try fit(model, loss: loss, optimizer: optimizer, data: DataLoader(train, batchSize: 64, shuffle: true), epochs: 8, progress: .quiet)
        model.eval()
        let accuracy = evaluate(model, on: test, loss: loss).accuracy ?? 0
        #expect(accuracy > 0.93, "the model must be trained for the check to mean something: \(accuracy)")

        let samples = test.subset(Array(0..<40)).inputs
        let result = Explainer(model).integratedGradients(samples, steps: 64)
        let relative = result.relativeDelta
        #expect(result.outputDifference.scalars.allSatisfy { abs($0) > 0.5 }, "F(x) − F(0) too small to judge: \(result.outputDifference.scalars)")
        #expect(relative.allSatisfy { $0 < 0.01 }, "worst |δ| / |F(x) − F(0)| = \(relative.max()!)")
        // Coarser rules miss more: 8 left-Riemann steps leave a visibly larger gap.
        let coarse = Explainer(model).integratedGradients(samples, steps: 8, method: .riemannLeft).relativeDelta
        #expect(coarse.reduce(0, +) > 5 * relative.reduce(0, +))
    }
}
