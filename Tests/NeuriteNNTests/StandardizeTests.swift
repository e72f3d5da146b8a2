import NeuriteCore
import NeuriteNN
import Testing

@Suite("Standardize layer")
struct StandardizeTests {
    @Test func fittedStatisticsArePerFeatureWithThePopulationDeviation() {
        let data = Tensor([[1, 10, 5], [3, 30, 5], [5, 50, 5], [7, 70, 5]])
        let layer = Standardize(fitting: data)
        #expect(layer.mean.value.shape == [1, 3] && layer.mean.value.scalars == [4, 40, 5])
        // Population deviation √5 and 10·√5; a constant feature gets 1.
        let deviation = layer.standardDeviation.value.scalars
        #expect(abs(deviation[0] - Float(5).squareRoot()) < 1e-6 && abs(deviation[1] - 10 * Float(5).squareRoot()) < 1e-5)
        #expect(deviation[2] == 1)
        let output = layer(data)
        #expect(output.mean(axis: 0).scalars.allSatisfy { abs($0) < 1e-6 })
        #expect(abs(output.scalar(at: [0, 0]) + 3 / Float(5).squareRoot()) < 1e-6 && output.scalar(at: [2, 2]) == 0)
    }

    @Test func perChannelStatisticsBroadcastOverImages() {
        let images = Tensor.normal([6, 2, 3, 3], mean: 4, standardDeviation: 3, seed: 1)
        let layer = Standardize(fitting: images, axes: [0, 2, 3])
        #expect(layer.mean.value.shape == [1, 2, 1, 1])
        let output = layer(images)
        #expect(output.shape == [6, 2, 3, 3])
        for channel in output.split(size: 1, axis: 1) {
            #expect(abs(channel.mean().scalar) < 1e-5 && abs(channel.variance(correction: 0).scalar - 1) < 1e-4)
        }
    }

    @Test func statisticsAreBuffersNotParameters() {
        let layer = Standardize(mean: Tensor([[1, 2]]), standardDeviation: Tensor([[2, 4]]))
        #expect(layer.parameters.isEmpty)
        #expect(layer.namedBuffers.map(\.name) == ["mean", "standard_deviation"])
        #expect(layer(Tensor([[3, 10]])).scalars == [1, 2])
    }

    @Test func gradientsFlowToTheInput() {
        let layer = Standardize(mean: Tensor([[0.5, -1, 2]]), standardDeviation: Tensor([[2, 0.5, 3]]))
        let check = checkGradients(of: { layer($0[0]).square().sum() }, at: [Tensor.normal([2, 3], seed: 5)])
        #expect(check.passed, "\(check)")
    }

    @Test func shapesThatDoNotBroadcastAreRejected() throws {
        let layer = Standardize(mean: Tensor([[1, 2, 3]]), standardDeviation: Tensor([[1, 1, 1]]))
        #expect(throws: LayerShapeError.self) { try layer.outputShape(forInput: [4, 2]) }
        #expect(try layer.outputShape(forInput: [4, 3]) == [4, 3])
        #expect(throws: LayerConfigurationError.self) { try Standardize.Configuration(shape: [0, 3]).validate() }
    }
}
