import NeuriteCore
import Testing

@Suite("Printing tensors")
struct DescriptionTests {
    @Test func scalarsVectorsAndMatrices() {
        #expect(Tensor(1.5).description == "Tensor([], 1.5000)")
        #expect(Tensor([1, -2.5, 3]).description == "Tensor([3], [ 1.0000, -2.5000,  3.0000])")
        #expect(
            Tensor(rows: [[1, 2], [3, 4]]).description == """
                Tensor([2, 2], [[1.0000, 2.0000],
                                [3.0000, 4.0000]])
                """)
        #expect(Tensor([1, 2], requiresGradient: true).description.hasSuffix(", requiresGradient)"))
        #expect(Tensor.zeros([0, 2]).description == "Tensor([0, 2], [])")
    }

    @Test func threeAxesAreSeparatedByABlankLine() {
        #expect(
            Tensor.arange(4).reshaped([2, 1, 2]).description == """
                Tensor([2, 1, 2], [[[0.0000, 1.0000]],

                                   [[2.0000, 3.0000]]])
                """)
    }

    @Test func specialValuesAndScientificNotation() {
        #expect(Tensor([.nan, .infinity, -.infinity, 1]).description == "Tensor([4], [   nan,    inf,   -inf, 1.0000])")
        #expect(Tensor([1e-6, 2]).description == "Tensor([2], [1.0000e-06, 2.0000e+00])")
    }

    @Test func largeTensorsShowTheirEdges() {
        let text = Tensor.arange(2000).description
        #expect(text == "Tensor([2000], [   0.0000,    1.0000,    2.0000, ..., 1997.0000, 1998.0000, 1999.0000])")
        let matrix = Tensor.zeros([100, 100]).description
        #expect(matrix.split(separator: "\n", omittingEmptySubsequences: false).count == 7)
        #expect(matrix.contains("..."))
    }
}
