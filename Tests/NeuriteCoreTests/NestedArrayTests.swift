import NeuriteCore
import Testing

@Suite("Nested arrays")
struct NestedArrayTests {
    @Test func matricesRoundTripThroughRows() {
        let x = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(x.shape == [2, 3] && x.scalars == [1, 2, 3, 4, 5, 6])
        #expect(x.rows == [[1, 2, 3], [4, 5, 6]])
        #expect(x.transposed().rows == [[1, 4], [2, 5], [3, 6]])
        #expect(x.scalarCount == 6)
    }

    @Test func higherRanksKeepRowMajorOrder() {
        let planes: [[[Float]]] = [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]
        let x = Tensor(planes)
        #expect(x.shape == [2, 3, 2] && x.scalars == (1...12).map(Float.init))
        #expect(x.nestedScalars3D == planes)
        #expect(x.scalar(at: [1, 2, 0]) == 11)

        let images = Tensor([planes, planes.map { $0.map { $0.map { -$0 } } }])
        #expect(images.shape == [2, 2, 3, 2])
        #expect(images.scalar(at: [1, 0, 2, 1]) == -6)
        #expect(images.nestedScalars4D[1][1][0] == [-7, -8])
        #expect(Tensor(images.nestedScalars4D).scalars == images.scalars)
    }

    @Test func emptyArraysGiveEmptyTensors() {
        #expect(Tensor([[Float]]()).shape == [0, 0])
        #expect(Tensor([[[Float]]]()).shape == [0, 0, 0])
    }
}
