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
        expectClose(
            norm(input), [-1.3416394, -1.3416405, -0.4472131, -0.4472135, 0.4472131, 0.4472135, 1.3416394, 1.3416405],
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

    /// PyTorch's batch-norm formulas in `Double` for `[N, C, …]`: per channel, the batch mean and
    /// biased variance normalise; the running variance takes the unbiased one.
    static func referenceBatchNorm(_ x: Tensor, weight: [Double], bias: [Double], momentum: Double, epsilon: Double)
        -> (output: [Float], runningMean: [Float], runningVar: [Float])
    {
        let (n, c) = (x.shape[0], x.shape[1]), positions = x.scalarCount / (x.shape[0] * x.shape[1])
        let values = x.scalars.map(Double.init)
        func index(_ sample: Int, _ channel: Int, _ position: Int) -> Int { (sample * c + channel) * positions + position }
        var output = [Float](repeating: 0, count: values.count), runningMean: [Float] = [], runningVar: [Float] = []
        for channel in 0..<c {
            let members = (0..<n).flatMap { sample in (0..<positions).map { index(sample, channel, $0) } }
            let mean = members.map { values[$0] }.reduce(0, +) / Double(members.count)
            let squares = members.map { (values[$0] - mean) * (values[$0] - mean) }.reduce(0, +)
            let biased = squares / Double(members.count), unbiased = squares / Double(members.count - 1)
            for member in members {
                output[member] = Float((values[member] - mean) / (biased + epsilon).squareRoot() * weight[channel] + bias[channel])
            }
            runningMean.append(Float(momentum * mean))
            runningVar.append(Float((1 - momentum) + momentum * unbiased))
        }
        return (output, runningMean, runningVar)
    }

    @Test(arguments: [[6, 3, 5], [4, 2, 3, 5]])
    func batchNormOverSequencesAndImagesFollowsPyTorch(_ shape: [Int]) {
        var generator = PhiloxGenerator(seed: 12)
        let x = Tensor.normal(shape, mean: 1, standardDeviation: 2, generator: &generator)
        let channels = shape[1]
        let norm = BatchNorm(channels, epsilon: 1e-3, momentum: 0.2)
        let weight = (0..<channels).map { 0.5 + Double($0) }, bias = (0..<channels).map { Double($0) / 4 - 0.3 }
        norm.weight!.value = Tensor(weight.map(Float.init))
        norm.bias!.value = Tensor(bias.map(Float.init))
        let expected = Self.referenceBatchNorm(x, weight: weight, bias: bias, momentum: 0.2, epsilon: 1e-3)
        expectClose(norm(x), expected.output, shape: shape, absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
        expectClose(norm.runningMean.value, expected.runningMean, shape: [channels], absoluteTolerance: 1e-6)
        expectClose(norm.runningVar.value, expected.runningVar, shape: [channels], absoluteTolerance: 1e-6)
        // Evaluation: the running statistics, per channel at every position.
        norm.eval()
        let (mean, variance) = (norm.runningMean.value.scalars, norm.runningVar.value.scalars)
        let positions = x.scalarCount / (shape[0] * channels)
        let evaluated = x.scalars.enumerated().map { offset, value in
            let channel = offset / positions % channels
            return Float((Double(value) - Double(mean[channel])) / (Double(variance[channel]) + 1e-3).squareRoot() * weight[channel] + bias[channel])
        }
        expectClose(norm(x), evaluated, shape: shape, absoluteTolerance: 1e-5)
        #expect(norm.namedBuffers.map(\.name) == ["running_mean", "running_var", "num_batches_tracked"])
        // Gradients through the batch statistics, against finite differences.
        norm.train()
        expectGradientsMatch([Tensor.normal([3, 2] + Array(shape.dropFirst(2)), generator: &generator)]) { BatchNorm(2)($0[0]) }
    }
}
