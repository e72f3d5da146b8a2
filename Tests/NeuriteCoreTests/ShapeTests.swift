import NeuriteCore
import Testing
import _NeuriteTestSupport

@Suite("Reshaping, permuting, joining and indexing")
struct ShapeTests {
    static let x = patterned([2, 3, 4], 5)

    @Test func reshapeInfersOneLength() {
        #expect(Self.x.reshaped([6, -1]).shape == [6, 4])
        #expect(Self.x.reshaped([-1]).shape == [24])
        #expect(Self.x.reshaped([4, 6]).scalars == Self.x.scalars)
        #expect(Tensor.zeros([0, 3]).reshaped([3, 0]).shape == [3, 0])
        #expect(Self.x.flattened().shape == [24])
        #expect(Self.x.flattened(startAxis: 1).shape == [2, 12])
        #expect(Tensor(2).flattened().shape == [1])
    }

    @Test func squeezeAndUnsqueeze() {
        let t = Tensor.zeros([1, 3, 1])
        #expect(t.squeezed().shape == [3])
        #expect(t.squeezed(axis: -1).shape == [1, 3])
        #expect(t.unsqueezed(axis: 0).shape == [1, 1, 3, 1])
        #expect(t.unsqueezed(axis: -1).shape == [1, 3, 1, 1])
    }

    @Test func permuteAndTransposeMatchNumpy() {
        expectClose(Self.x.permuted([2, 0, 1]), numpy("permute_201"))
        expectClose(Self.x.transposed(), numpy("transpose_last2"))
        expectClose(Self.x.transposed(1, 2), numpy("transpose_last2"))
        #expect(Tensor(rows: [[1, 2, 3]]).transposed() == Tensor([1, 2, 3], shape: [3, 1]))
    }

    @Test func expandRepeatsAlongLengthOneAxes() {
        let column = Tensor([1, 2], shape: [2, 1])
        #expect(column.expanded(to: [3, 2, 2]).scalars == [1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2])
        #expect(Tensor(5).expanded(to: [2]).scalars == [5, 5])
    }

    @Test func concatenateStackAndSplit() {
        expectClose(Tensor.concatenate([patterned([2, 3], 5), patterned([2, 1], 7)], axis: 1), numpy("concatenate_axis1"))
        let a = Tensor([1, 2]), b = Tensor([3, 4])
        #expect(Tensor.stack([a, b]) == Tensor(rows: [[1, 2], [3, 4]]))
        #expect(Tensor.stack([a, b], axis: 1) == Tensor(rows: [[1, 3], [2, 4]]))
        let parts = Self.x.split(sizes: [1, 3], axis: 2)
        #expect(parts.map(\.shape) == [[2, 3, 1], [2, 3, 3]])
        #expect(Tensor.concatenate(parts, axis: -1) == Self.x)
        #expect(Tensor.arange(7).split(size: 3).map(\.scalars) == [[0, 1, 2], [3, 4, 5], [6]])
        #expect(Tensor.concatenate([Tensor.zeros([0, 2]), Tensor.ones([1, 2])]).shape == [1, 2])
    }

    @Test func slicingByRangesAndIndices() {
        let m = patterned([4, 5], 5)
        expectClose(m.slice(axis: 0, 1..<3).slice(axis: 1, 0..<5, step: 2), numpy("slice_rows1to3_step2cols"))
        #expect(m[1..<3] == m.slice(axis: 0, 1..<3))
        #expect(m[1..., 2...] == m.slice(axis: 0, 1..<4).slice(axis: 1, 2..<5))
        #expect(m[...1, 0..<0].shape == [2, 0])
        #expect(m[2].shape == [5])
        #expect(m[2].scalars == Array(m.scalars[10..<15]))
        #expect(m[-1, 4].shape == [])
        #expect(m[-1, 4].scalar == m.scalar(at: [3, 4]))
    }

    @Test func gatherIndexSelectAndOneHot() {
        let m = patterned([3, 4], 5)
        let indices = Tensor([0, 3, 1, 1, 2, 0], shape: [3, 2])
        expectClose(m.gather(axis: 1, indices: indices), numpy("gather_axis1"))
        expectClose(m.indexSelect(axis: 0, indices: [2, 0, 2]), numpy("index_select_axis0"))
        #expect(m.indexSelect(axis: 1, indices: [-1]).shape == [3, 1])
        let oneHot = Tensor.oneHot(Tensor([2, 0, 1]), classCount: 3)
        #expect(oneHot == Tensor(rows: [[0, 0, 1], [1, 0, 0], [0, 1, 0]]))
        #expect(Tensor.oneHot(Tensor([1, 0], shape: [2, 1]), classCount: 2).shape == [2, 1, 2])
    }

    @Test func gradientsMatchFiniteDifferences() {
        let x = fixture([2, 3, 4], seed: 41)
        expectGradientsMatch([x]) { $0[0].reshaped([4, -1]) * Tensor.arange(6) }
        expectGradientsMatch([x]) { $0[0].permuted([1, 2, 0]) * Tensor.arange(2) }
        expectGradientsMatch([x]) { $0[0].transposed() }
        expectGradientsMatch([fixture([3, 1], seed: 42)]) { $0[0].expanded(to: [2, 3, 4]) * x }
        expectGradientsMatch([x]) { $0[0].squeezed().unsqueezed(axis: 1).flattened(startAxis: 2) }
        expectGradientsMatch([x, fixture([2, 1, 4], seed: 43)]) { Tensor.concatenate([$0[0], $0[1]], axis: 1) }
        expectGradientsMatch([fixture([3], seed: 44), fixture([3], seed: 45)]) { Tensor.stack([$0[0], $0[1] * $0[0]], axis: 1) }
        expectGradientsMatch([x]) { $0[0].split(sizes: [1, 2], axis: 1)[1] }
        expectGradientsMatch([x]) { $0[0].slice(axis: 2, 1..<4, step: 2) }
        expectGradientsMatch([x]) { $0[0][1, 2] }
        expectGradientsMatch([x]) { $0[0][..<1, 1...] }
        let indices = Tensor([0, 2, 2, 1, 1, 1, 0, 0], shape: [2, 1, 4])
        expectGradientsMatch([x]) { $0[0].gather(axis: 1, indices: indices) }
        expectGradientsMatch([x]) { $0[0].indexSelect(axis: 2, indices: [3, 0, 3]) }
    }

    @Test func repeatedIndicesAccumulateGradients() {
        let g = gradients(at: [Tensor([1, 2, 3])]) { $0[0].indexSelect(axis: 0, indices: [2, 2, 0]).sum() }
        #expect(g[0]?.scalars == [1, 0, 2])
        let h = gradients(at: [Tensor([1, 2, 3])]) { $0[0].gather(axis: 0, indices: Tensor([1, 1, 1, 0])).sum() }
        #expect(h[0]?.scalars == [1, 3, 0])
    }

    @Test func badAxisIsAPreconditionNamingIt() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).sum(axis: 2)
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("sum: axis 2 out of range for rank 2"))
        }
    }
}
