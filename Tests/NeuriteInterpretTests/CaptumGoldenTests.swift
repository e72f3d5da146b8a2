import Foundation
import NeuriteCore
import NeuriteInterpret
import NeuriteNN
import Testing
import _NeuriteTestSupport

/// Attributions against the values Captum 0.9 computes (golden_values.json part8) for
/// `f0 = Σx²`, `f1 = x0·x1 + relu(x2)` at x = [1, −2, 3].
@Suite("Attributions: Captum's golden values")
struct CaptumGoldenTests {
    let explainer = Explainer(forward: { x in
        let f0 = (x * x).sum(axis: 1, keepDims: true)
        let f1 = (x[0..., 0..<1] * x[0..., 1..<2]) + relu(x[0..., 2..<3])
        return Tensor.concatenate([f0, f1], axis: 1)
    })
    let input = Tensor(rows: [[1, -2, 3]])

    @Test func saliencyAndGradientTimesInput() {
        expectClose(explainer.saliency(input, target: 0), [2, 4, 6], shape: [1, 3])
        expectClose(explainer.saliency(input, target: 0, absolute: false), [2, -4, 6], shape: [1, 3])
        expectClose(explainer.gradientTimesInput(input, target: 0), [2, 8, 18], shape: [1, 3])
        // The predicted output is f0 = 14 (f1 = 1).
        expectClose(explainer.saliency(input), [2, 4, 6])
    }

    @Test(arguments: [
        (IntegrationMethod.gaussLegendre, 50, [Float(1), 4, 9], Float(0)),
        (.gaussLegendre, 2, [1, 4, 9], 0),
        (.riemannRight, 5, [1.2, 4.8, 10.8], 2.8),
        (.riemannLeft, 5, [0.8, 3.2, 7.2], -2.8),
    ])
    func integratedGradients(method: IntegrationMethod, steps: Int, attributions: [Float], delta: Float) {
        let result = explainer.integratedGradients(input, target: 0, steps: steps, method: method)
        expectClose(result.attributions, attributions, shape: [1, 3], absoluteTolerance: 1e-5)
        expectClose(result.convergenceDelta, [delta], shape: [1], absoluteTolerance: 1e-5)
        expectClose(result.outputDifference, [14], shape: [1])
    }

    @Test func trapezoidWeightsSumToOneUnlikeCaptums() {
        // Captum's trapezoid weights sum to (n−1)/n, giving [0.98, 3.92, 8.82] and δ = −0.28 for
        // n = 50. Neurite's sum to 1; with the same points its attributions are Captum's times
        // n/(n−1), and exact here (the gradient is linear along the path).
        let result = explainer.integratedGradients(input, target: 0, steps: 50, method: .riemannTrapezoid)
        expectClose(result.attributions, [1, 4, 9], absoluteTolerance: 1e-5)
        expectClose(result.attributions * (49.0 / 50.0), [0.97999998, 3.91999993, 8.81999983], absoluteTolerance: 1e-5)
        expectClose(result.convergenceDelta, [0], absoluteTolerance: 1e-5)
    }

    @Test func integratedGradientsForTheSecondOutputFromABaselineOfOnes() {
        let result = explainer.integratedGradients(input, baseline: .constant(1), target: 1)
        expectClose(result.attributions, [0, -3, 2], absoluteTolerance: 1e-5)
        expectClose(result.outputDifference, [-1])
        expectClose(result.convergenceDelta, [0], absoluteTolerance: 1e-5)
        // The same baseline as a tensor of one example.
        let tensorBaseline = explainer.integratedGradients(input, baseline: .tensor(Tensor.ones([1, 3])), target: 1)
        expectClose(tensorBaseline.attributions, result.attributions)
    }

    @Test(arguments: [
        (IntegrationMethod.riemannLeft, [Float(0), 0.2, 0.40000001, 0.60000002, 0.80000001], [Float](repeating: 0.2, count: 5)),
        (.riemannRight, [0.2, 0.40000001, 0.60000002, 0.80000001, 1], [Float](repeating: 0.2, count: 5)),
        (.riemannMiddle, [0.1, 0.29999998, 0.5, 0.69999999, 0.89999998], [Float](repeating: 0.2, count: 5)),
        (.gaussLegendre, [0.04691008, 0.23076534, 0.5, 0.76923466, 0.95308992], [0.11846344, 0.23931434, 0.28444444, 0.23931434, 0.11846344]),
        // Captum: the same points, weights [0.1, 0.2, 0.2, 0.2, 0.1] (× 5/4 here).
        (.riemannTrapezoid, [0, 0.25, 0.5, 0.75, 1], [0.125, 0.25, 0.25, 0.25, 0.125]),
    ])
    func pointsAndWeightsForFiveSteps(method: IntegrationMethod, alphas: [Float], weights: [Float]) {
        let points = method.points(count: 5)
        expectClose(Tensor(points.alphas), alphas, absoluteTolerance: 1e-7, relativeTolerance: 0)
        expectClose(Tensor(points.weights), weights, absoluteTolerance: 1e-7, relativeTolerance: 0)
    }

    @Test(arguments: [1, 2, 3, 7, 64, 200])
    func gaussLegendreIntegratesPolynomialsOfDegreeTwoNMinusOneExactly(count: Int) {
        let (alphas, weights) = IntegrationMethod.gaussLegendre.points(count: count)
        #expect(abs(weights.reduce(0, +) - 1) < 1e-5)
        #expect(zip(alphas, alphas.dropFirst()).allSatisfy { $0 < $1 } && alphas.first! > 0 && alphas.last! < 1)
        // ∫₀¹ α^d dα = 1/(d+1) for d = 2n−1, the highest degree the rule is exact for.
        let degree = Double(2 * count - 1)
        let quadrature = zip(alphas, weights).reduce(0.0) { $0 + Double($1.1) * pow(Double($1.0), degree) }
        #expect(abs(quadrature - 1 / (degree + 1)) < 1e-5 * max(1, 1 / (degree + 1)) + 1e-6, "n = \(count): \(quadrature)")
    }
}
