import NeuriteCore
import NeuriteNN
import Testing
import _NeuriteTestSupport

@Suite("Dropout and normalisation")
struct RegularizationTests {
    @Test func dropoutKeepsTheMeanInTrainingAndIsTheIdentityInEvaluation() {
        let layer = Dropout(0.5, generator: PhiloxGenerator(seed: 3))
        let x = Tensor.ones([100_000])
        let dropped = layer(x)
        #expect(Set(dropped.scalars) == [0, 2])  // golden part5: survivors scaled to 2
        #expect(abs(dropped.mean().scalar - 1) < 0.01)
        layer.eval()
        #expect(layer(x) == x)
        #expect(Dropout(1)(x).max().scalar == 0)
    }

    @Test func dropoutMasksAreReproducibleFromTheSeed() {
        let x = Tensor.ones([1000])
        let a = Dropout(0.3, generator: PhiloxGenerator(seed: 9)), b = Dropout(0.3, generator: PhiloxGenerator(seed: 9))
        #expect(a(x) == b(x))
        #expect(a(x) != a(x))  // the stream advances between calls
    }

    @Test func batchNormMatchesPyTorch() {
        // golden part5 (PyTorch): one training step, then evaluation.
        let input = Tensor(rows: [[1, 2], [3, 6], [5, 10], [7, 14]])
        let norm = BatchNorm(2)
        expectClose(norm(input), [-1.3416394, -1.3416405, -0.4472131, -0.4472135, 0.4472131, 0.4472135, 1.3416394, 1.3416405],
                    absoluteTolerance: 1e-6)
        expectClose(norm.runningMean.value, [0.4, 0.8])
        expectClose(norm.runningVar.value, [1.5666666, 3.5666666])
        #expect(norm.numBatchesTracked.value.scalar == 1)
        norm.eval()
        expectClose(norm(input)[0], [0.4793597, 0.6354032])
        // momentum nil: the cumulative average; after batches x and 2x the mean is [6, 12].
        let cumulative = BatchNorm(2, momentum: nil)
        _ = cumulative(input)
        _ = cumulative(input * 2)
        expectClose(cumulative.runningMean.value, [6, 12])
    }

    @Test func batchNormRejectsOneSamplePerFeatureInTraining() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = BatchNorm(2)(Tensor.zeros([1, 2]))
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self).contains("expected more than 1 value per channel when training"))
        }
    }

    @Test func layerNormNormalisesEachSample() {
        let norm = LayerNorm(4)
        let y = norm(Tensor(rows: [[1, 2, 3, 4], [10, 10, 10, 14]]))
        expectClose(y.mean(axis: 1), [0, 0], absoluteTolerance: 1e-6)
        expectClose(y.variance(axis: 1, correction: 0), [1, 1], absoluteTolerance: 1e-4)
        // 0.5·((x − mean)/√(var + eps)) at x = 1 for the first row.
        expectClose(y[0, 0], [(1 - 2.5) / (1.25 + 1e-5).squareRoot()])
    }
}
