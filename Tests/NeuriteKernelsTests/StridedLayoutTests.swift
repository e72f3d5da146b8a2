import NeuriteKernels
import Testing

@Suite("Strided iteration and reductions")
struct StridedLayoutTests {
    @Test func contiguousDimensionsMerge() {
        let layout = StridedLayout(shape: [2, 3, 4], operandStrides: [[12, 4, 1], [0, 0, 1]])
        #expect(layout.dimensions == [6, 4])
        #expect(layout.strides == [[4, 1], [0, 1]])
        let scalar = StridedLayout(shape: [], operandStrides: [[]])
        #expect(scalar.dimensions == [1])
    }

    @Test func stridedCopyTransposesAndBroadcasts() {
        let input: [Float] = [1, 2, 3, 4, 5, 6]  // [2, 3]
        var output = [Float](repeating: 0, count: 6)
        output.withUnsafeMutableBufferPointer { out in
            Elementwise.stridedCopy(input, strides: [1, 3], shape: [3, 2], into: out.baseAddress!)
        }
        #expect(output == [1, 4, 2, 5, 3, 6])
        var repeated = [Float](repeating: 0, count: 6)
        repeated.withUnsafeMutableBufferPointer { out in
            Elementwise.stridedCopy(input, strides: [0, 1], shape: [2, 3], into: out.baseAddress!)
        }
        #expect(repeated == [1, 2, 3, 1, 2, 3])
    }

    @Test func reductionsOverTheMiddleAxis() {
        let input: [Float] = (0..<24).map(Float.init)  // [2, 3, 4]
        var sums = [Float](repeating: 0, count: 8)
        sums.withUnsafeMutableBufferPointer { Reduction.sum(input, outer: 2, length: 3, inner: 4, into: $0.baseAddress!) }
        #expect(sums == [12, 15, 18, 21, 48, 51, 54, 57])
        var maxima = [Float](repeating: 0, count: 8)
        maxima.withUnsafeMutableBufferPointer { Reduction.fold(input, outer: 2, length: 3, inner: 4, into: $0.baseAddress!, Swift.max) }
        #expect(maxima == [8, 9, 10, 11, 20, 21, 22, 23])
        var best = [Int](repeating: -1, count: 8)
        best.withUnsafeMutableBufferPointer { Reduction.argBest(input, outer: 2, length: 3, inner: 4, into: $0.baseAddress!, <) }
        #expect(best == [0, 0, 0, 0, 0, 0, 0, 0])
    }
}
