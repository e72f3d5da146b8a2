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

    @Test(arguments: SIMDLevel.available)
    func longRowExtremaPropagateNaN(simd: SIMDLevel) {
        var row = (0..<1000).map { Float(($0 * 37) % 1001) - 500 }
        var result = [Float](repeating: 0, count: 2)
        result.withUnsafeMutableBufferPointer {
            Reduction.extremum(maximum: true, row, outer: 1, length: 1000, inner: 1, into: $0.baseAddress!, simd: simd)
        }
        result[1] = 0
        #expect(result[0] == row.max()!)
        for position in [0, 31, 32, 500, 999] {
            row[position] = .nan
            result.withUnsafeMutableBufferPointer {
                Reduction.extremum(maximum: false, row, outer: 1, length: 1000, inner: 1, into: $0.baseAddress!, simd: simd)
                Reduction.extremum(maximum: true, row, outer: 1, length: 1000, inner: 1, into: $0.baseAddress! + 1, simd: simd)
            }
            #expect(result[0].isNaN && result[1].isNaN, "NaN at \(position)")
            row[position] = 0
        }
    }

    @Test func reductionsOverTheMiddleAxis() {
        let input: [Float] = (0..<24).map(Float.init)  // [2, 3, 4]
        var sums = [Float](repeating: 0, count: 8)
        sums.withUnsafeMutableBufferPointer { Reduction.sum(input, outer: 2, length: 3, inner: 4, into: $0.baseAddress!) }
        #expect(sums == [12, 15, 18, 21, 48, 51, 54, 57])
        var maxima = [Float](repeating: 0, count: 8)
        for simd in SIMDLevel.available {
            maxima.withUnsafeMutableBufferPointer {
                Reduction.extremum(maximum: true, input, outer: 2, length: 3, inner: 4, into: $0.baseAddress!, simd: simd)
            }
            #expect(maxima == [8, 9, 10, 11, 20, 21, 22, 23])
            var minima = [Float](repeating: 0, count: 6)
            minima.withUnsafeMutableBufferPointer {
                Reduction.extremum(maximum: false, input, outer: 6, length: 4, inner: 1, into: $0.baseAddress!, simd: simd)
            }
            #expect(minima == [0, 4, 8, 12, 16, 20])
        }
        var best = [Int](repeating: -1, count: 8)
        best.withUnsafeMutableBufferPointer { Reduction.argBest(input, outer: 2, length: 3, inner: 4, into: $0.baseAddress!, <) }
        #expect(best == [0, 0, 0, 0, 0, 0, 0, 0])
    }
}

@Suite("Matrix transposition")
struct TransposeTests {
    @Test(arguments: SIMDLevel.available)
    func everyShapeAroundTheBlockSize(simd: SIMDLevel) {
        for (rows, columns) in [(1, 1), (8, 8), (7, 9), (16, 3), (17, 25), (3, 40)] {
            let input = (0..<(2 * rows * columns)).map(Float.init)
            var output = [Float](repeating: -1, count: input.count)
            output.withUnsafeMutableBufferPointer {
                Elementwise.transposeMatrices(input, count: 2, rows: rows, columns: columns, into: $0.baseAddress!, simd: simd)
            }
            var expected = [Float]()
            for matrix in 0..<2 {
                for c in 0..<columns { for r in 0..<rows { expected.append(input[matrix * rows * columns + r * columns + c]) } }
            }
            #expect(output == expected, "\(rows)×\(columns)")
        }
    }
}
