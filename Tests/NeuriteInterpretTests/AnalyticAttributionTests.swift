import Foundation
import NeuriteCore
import NeuriteInterpret
import NeuriteNN
import Testing
import _NeuriteTestSupport

/// Attributions of models whose answers are known in closed form.
@Suite("Attributions: analytic answers")
struct AnalyticAttributionTests {
    /// `F(x) = W x + b` with W = [[1, −2, 3, 0.5], [−1, 0, 2, 4]], b = [0.3, −0.7].
    func linearModel() -> Dense {
        let layer = Dense(4, 2)
        layer.weight.value = Tensor(rows: [[1, -2, 3, 0.5], [-1, 0, 2, 4]])
        layer.bias!.value = Tensor([0.3, -0.7])
        return layer
    }
    let inputs = Tensor(rows: [[0.5, 1, -1, 2], [2, -0.5, 0.25, 1]])

    @Test func linearModelGradientsAreTheWeights() {
        let explainer = Explainer(linearModel())
        expectClose(explainer.saliency(inputs, target: 0, absolute: false), [1, -2, 3, 0.5, 1, -2, 3, 0.5])
        expectClose(explainer.saliency(inputs, target: .indices([0, 1])), [1, 2, 3, 0.5, 1, 0, 2, 4])
        // Gradient × input: wᵢxᵢ, each example against its own target.
        expectClose(explainer.gradientTimesInput(inputs, target: .indices([1, 0])), [-0.5, 0, -2, 8, 2, 1, 0.75, 0.5])
    }

    @Test(arguments: IntegrationMethod.allCases)
    func integratedGradientsOfALinearModelIsExactWithAnyRule(method: IntegrationMethod) {
        // The gradient is constant, so every rule whose weights sum to 1 is exact:
        // IGᵢ = (xᵢ − bᵢ) wᵢ, and the attributions add up to F(x) − F(b).
        let explainer = Explainer(linearModel())
        let baseline = Tensor(rows: [[1, 1, 1, 1]])
        let result = explainer.integratedGradients(inputs, baseline: .tensor(baseline), target: 1, steps: 3, method: method)
        expectClose(result.attributions, [0.5, 0, -4, 4, -1, 0, -1.5, 0], absoluteTolerance: 1e-5)
        expectClose(result.outputDifference, [0.5, -2.5], absoluteTolerance: 1e-5)
        expectClose(result.convergenceDelta, [0, 0], absoluteTolerance: 1e-5)
    }

    @Test func saliencyOfASigmoidUnitIsTheChainRule() {
        // F(x) = σ(w·x): ∂F/∂x = σ(z)(1 − σ(z)) w.
        let w: [Float] = [0.5, -1, 2]
        let explainer = Explainer(forward: { x in sigmoid(matmul(x, Tensor(w, shape: [3, 1]))).reshaped([-1]) })
        let x: [Float] = [0.2, 0.4, -0.3]
        let z = zip(w, x).reduce(0) { $0 + $1.0 * $1.1 }
        let slope = 1 / (1 + exp(-z)) * (1 - 1 / (1 + exp(-z)))
        expectClose(explainer.saliency(Tensor(rows: [x]), target: .scalar, absolute: false), w.map { slope * $0 })
        expectClose(explainer.gradientTimesInput(Tensor(rows: [x]), target: .scalar), zip(w, x).map { slope * $0 * $1 })
    }

    @Test func attributionsLeaveTheParametersGradientsAlone() {
        let model = linearModel()
        let explainer = Explainer(model)
        _ = explainer.saliency(inputs)
        _ = explainer.integratedGradients(inputs, steps: 4)
        _ = explainer.smoothGrad(inputs, samples: 3)
        #expect(model.weight.gradient == nil && model.bias!.gradient == nil)
        // Existing gradients stay as they were.
        model.weight.value.gradient = Tensor.ones([2, 4])
        _ = explainer.saliency(inputs)
        #expect(model.weight.gradient == Tensor.ones([2, 4]))
    }

    @Test func internalBatchingDoesNotChangeTheResults() {
        let model = Sequential {
            Dense(4, 8)
            Tanh()
            Dense(8, 3)
        }
        let explainer = Explainer(model)
        let whole = explainer.integratedGradients(inputs, steps: 20)
        let batched = explainer.integratedGradients(inputs, steps: 20, internalBatchSize: 6)
        expectClose(batched.attributions, whole.attributions, absoluteTolerance: 1e-6)
        expectClose(batched.convergenceDelta, whole.convergenceDelta, absoluteTolerance: 1e-6)
        expectClose(explainer.smoothGrad(inputs, samples: 7, internalBatchSize: 4), explainer.smoothGrad(inputs, samples: 7), absoluteTolerance: 1e-6)
        expectClose(explainer.occlusion(inputs, window: [2], internalBatchSize: 2), explainer.occlusion(inputs, window: [2]), absoluteTolerance: 1e-6)
    }

    @Test func occlusionOfALinearModel() {
        // F = Σ wᵢxᵢ with w = [1, 2, 3, 4, 5] and x = 1: a window's drop is the sum of its weights.
        let explainer = Explainer(forward: { matmul($0, Tensor([1, 2, 3, 4, 5], shape: [5, 1])).reshaped([-1]) })
        let ones = Tensor.ones([1, 5])
        expectClose(explainer.occlusion(ones, window: [1], target: .scalar), [1, 2, 3, 4, 5])
        // Windows of 2 at stride 1 drop 3, 5, 7, 9; each value gets the mean of its windows' drops.
        expectClose(explainer.occlusion(ones, window: [2], target: .scalar), [3, 4, 6, 8, 9])
        // At stride 2 the windows are [0, 1], [2, 3] and the cut-off [4].
        expectClose(explainer.occlusion(ones, window: [2], strides: [2], target: .scalar), [3, 3, 7, 7, 5])
        // A fill value other than zero: the drop is Σ wᵢ(xᵢ − fill).
        expectClose(explainer.occlusion(ones, window: [5], fill: 0.5, target: .scalar), [Float](repeating: 7.5, count: 5))
    }

    @Test func occlusionOverImages() {
        // F = mean brightness of the top-left 2×2 corner of a 4×4 image: occluding any window
        // that overlaps it lowers F by the covered share.
        let explainer = Explainer(forward: { $0[0..., 0..., 0..<2, 0..<2].reshaped([$0.shape[0], 4]).mean(axis: 1) })
        let image = Tensor.ones([1, 1, 4, 4])
        let map = explainer.occlusion(image, window: [1, 2, 2], strides: [1, 2, 2], target: .scalar)
        expectClose(map, [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], shape: [1, 1, 4, 4])

        // 2×2 windows at stride 2 on a 3×3 image: windows of 4, 2, 2 and 1 pixels (cut off at the
        // edges). With F = Σ wᵢⱼ xᵢⱼ, w = 0…8 and x = 1, their drops are 8, 7, 13 and 8.
        let weighted = Explainer(forward: { matmul($0.reshaped([$0.shape[0], 9]), Tensor.arange(9).reshaped([9, 1])).reshaped([-1]) })
        let corners = weighted.occlusion(Tensor.ones([1, 1, 3, 3]), window: [1, 2, 2], strides: [1, 2, 2], target: .scalar)
        expectClose(corners, [8, 8, 7, 8, 8, 7, 13, 13, 8], shape: [1, 1, 3, 3])
    }

    @Test func smoothGradAveragesGradientsOverNoise() {
        // F = Σx²: ∂F/∂x = 2(x + ε), so mean → 2x and variance → 4σ² as samples grow.
        let explainer = Explainer(forward: { ($0 * $0).sum(axis: 1) })
        let x = Tensor(rows: [[1, -2, 0.5]])
        let mean = explainer.smoothGrad(x, target: .scalar, samples: 4000, noise: .absolute(0.5), base: .gradient)
        expectClose(mean, [2, -4, 1], absoluteTolerance: 0.05)
        let variance = explainer.smoothGrad(x, target: .scalar, samples: 4000, noise: .absolute(0.5), base: .gradient, aggregate: .variance)
        expectClose(variance, [1, 1, 1], absoluteTolerance: 0.08)
        let squares = explainer.smoothGrad(x, target: .scalar, samples: 4000, noise: .absolute(0.5), base: .gradient, aggregate: .meanOfSquares)
        expectClose(squares, [5, 17, 2], relativeTolerance: 0.06)
        // No noise: exactly the gradient, for any number of samples.
        expectClose(explainer.smoothGrad(x, target: .scalar, samples: 3, noise: .absolute(0), base: .gradientTimesInput), [2, 8, 0.5])
        // Seeded: the same seed repeats, another differs.
        let first = explainer.smoothGrad(x, target: .scalar, samples: 5, seed: 7)
        #expect(first == explainer.smoothGrad(x, target: .scalar, samples: 5, seed: 7))
        #expect(first != explainer.smoothGrad(x, target: .scalar, samples: 5, seed: 8))
    }

    @Test func relativeNoiseScalesWithEachExamplesRange() {
        // Range of the first example 3, of the second 0.3: σ = 0.1 · range.
        let explainer = Explainer(forward: { $0.sum(axis: 1) })
        let x = Tensor(rows: [[0, 1, 3], [0, 0.1, 0.3]])
        // For F = Σx, gradient × input at x + ε has mean x and variance σ²; the spread shows σ.
        let variance = explainer.smoothGrad(x, target: .scalar, samples: 4000, noise: .relative(0.1), base: .gradientTimesInput, aggregate: .variance)
        expectClose(variance, [0.09, 0.09, 0.09, 0.0009, 0.0009, 0.0009], relativeTolerance: 0.1)
    }
}
