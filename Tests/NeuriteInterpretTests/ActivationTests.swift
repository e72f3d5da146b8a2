import NeuriteCore
import NeuriteData
import NeuriteInterpret
import NeuriteNN
import Testing
import _NeuriteTestSupport

@Suite("Activation capture and statistics")
struct ActivationTests {
    /// Dense(3 → 4) then ReLU, where units 1 and 3 have zero weights and bias −1: dead by
    /// construction. Units 0 and 2 follow x₀ and −x₁.
    func modelWithDeadUnits() -> Sequential {
        let dense = Dense(3, 4)
        dense.weight.value = Tensor(rows: [[1, 0, 0], [0, 0, 0], [0, -1, 0], [0, 0, 0]])
        dense.bias!.value = Tensor([0, -1, 0, -1])
        return Sequential {
            dense
            ReLU()
            Dense(4, 2)
        }
    }
    let inputs = Tensor.normal([50, 3], seed: 3)

    @Test func captureRecordsNamedLayersWithoutChangingTheModel() {
        let model = modelWithDeadUnits()
        let before = model.namedParameters.map(\.parameter.value)
        let (output, captured) = model.activations(for: inputs)
        #expect(model.leafLayerNames == ["0", "1", "2"])
        #expect(captured.names == ["0", "1", "2"])
        expectClose(captured["1"]!, relu(captured["0"]!))
        expectClose(captured["2"]!, output)
        expectClose(output, withoutGradients { model(inputs) })
        #expect(model.namedParameters.map(\.parameter.value) == before)
        // Only the layers asked for.
        #expect(model.activations(for: inputs, layers: ["1"]).activations.names == ["1"])
        #expect(model.activations(for: inputs, layers: [""]).activations.names == [""])
    }

    @Test func deadUnitStatisticsFindTheConstructedDeadUnits() {
        let model = modelWithDeadUnits()
        // Batches of 16 over 50 examples: the statistics are merged across four batches.
        let statistics = model.activationStatistics(on: TensorDataset(inputs: inputs, targets: Tensor.zeros([50])), batchSize: 16)
        #expect(statistics.map(\.name) == ["0", "1", "2"] && statistics.map(\.type) == ["Dense", "ReLU", "Dense"])
        let relu = statistics[1]
        #expect(relu.unitCount == 4 && relu.deadUnits == [1, 3] && relu.deadFraction == 0.5)
        // The Dense layer's units 1 and 3 output −1: never positive either.
        #expect(statistics[0].deadUnits == [1, 3])
        // Mean and population variance over every value, against a direct computation.
        let values = model.activations(for: inputs).activations["1"]!.scalars.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        #expect(abs(relu.mean - mean) < 1e-9 && abs(relu.variance - variance) < 1e-9)
    }

    @Test func deadUnitsOfChannelOutputsCountEveryPosition() {
        // [N, 2, 3] outputs: channel 0 positive at one position of one example only; channel 1 never.
        var values = [Float](repeating: -1, count: 4 * 2 * 3)
        values[2 * 6 + 0 * 3 + 2] = 0.5
        let constant = Tensor(values, shape: [4, 2, 3])
        final class Replay: Module {
            let values: Tensor
            init(_ values: Tensor) { self.values = values }
            override func forward(_ input: Tensor) -> Tensor { values.indexSelect(axis: 0, indices: input.scalars.map { Int($0) }) }
        }
        let model = Sequential { Replay(constant) }
        let statistics = model.activationStatistics(on: TensorDataset(inputs: Tensor([0, 1, 2, 3]), targets: Tensor.zeros([4])), batchSize: 3)
        #expect(statistics[0].unitCount == 2 && statistics[0].deadUnits == [1])
    }

    @Test func topActivatingExamplesAreTheLargestResponses() {
        let model = modelWithDeadUnits()
        let data = TensorDataset(inputs: inputs, targets: Tensor.zeros([50]))
        // Unit 0 of the ReLU is max(0, x₀): the top examples are those with the largest x₀.
        let top = model.topActivatingExamples(layer: "1", unit: 0, in: data, count: 5, batchSize: 7)
        let column = (0..<50).map { inputs.scalars[$0 * 3] }
        let expected = column.indices.sorted { column[$0] > column[$1] }.prefix(5)
        #expect(top.map(\.index) == Array(expected))
        #expect(top.map(\.activation) == expected.map { column[$0] })
    }

    @Test func unknownLayerNamesAreAProgrammerError() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Sequential { Dense(2, 2) }.activations(for: Tensor.zeros([1, 2]), layers: ["5"])
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self).contains("activations: no layer named '5'; the layers are [\"0\"]"))
        }
    }
}
