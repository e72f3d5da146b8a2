import NeuriteCore
import Testing

@testable import NeuriteData

@Suite("Dataset subsets")
struct DatasetSubsetTests {
    @Test func aViewGivesTheSameBatchesAsACopy() {
        let data = TensorDataset(inputs: Tensor.normal([10, 3], seed: 1), targets: Tensor((0..<10).map(Float.init)))
        let indices = [7, 2, 9, 0, 4]
        let view = DatasetSubset(data, indices: indices), copy = data.subset(indices)
        #expect(view.count == 5)
        for positions in [[0, 1, 2, 3, 4], [4, 0], [2]] {
            let a = view.batch(at: positions), b = copy.batch(at: positions)
            #expect(a.inputs.scalars == b.inputs.scalars && a.targets.scalars == b.targets.scalars)
        }
        #expect(DatasetSubset(view, indices: [1, 3]).batch(at: [0, 1]).targets.scalars == [2, 0])
    }
}
