import NeuriteKernels
import Testing

@Suite("Byte conversion and finiteness checks")
struct ConversionAndFiniteTests {
    @Test("bytes become Float(byte) / divisor, bit for bit, at every SIMD level and length", arguments: SIMDLevel.available)
    func bytesToFloats(simd: SIMDLevel) {
        // Every byte value, at lengths that leave every tail size after the vector blocks.
        let bytes = (0..<600).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) } + (0...255).map { UInt8($0) }
        for divisor: Float in [255, 3, 0.7] {
            for count in [0, 1, 7, 8, 31, 33, 255, bytes.count] {
                var output = [Float](repeating: -1, count: count + 1)
                bytes.withUnsafeBufferPointer { source in
                    output.withUnsafeMutableBufferPointer { out in
                        Conversion.floats(fromBytes: source.baseAddress!, into: out.baseAddress!, count: count, dividedBy: divisor, simd: simd)
                    }
                }
                let expected = bytes.prefix(count).map { (Float($0) / divisor).bitPattern }
                #expect(output.prefix(count).map(\.bitPattern) == expected, "count \(count), divisor \(divisor)")
                #expect(output[count] == -1, "wrote past \(count) elements")
            }
        }
    }

    @Test("gathered rows of a byte table convert as each row alone, in the order asked, repeats included", arguments: SIMDLevel.available)
    func gatheredRows(simd: SIMDLevel) {
        let rows = 40
        for size in [1, 5, 64, 65, 784] {
            let table = (0..<rows * size).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 / 7) }
            for indices in [[], [3], [39, 0, 17, 17, 2, 38, 5, 1, 30, 11], Array((0..<rows).reversed())] {
                var output = [Float](repeating: -1, count: indices.count * size + 1)
                table.withUnsafeBufferPointer { source in
                    indices.withUnsafeBufferPointer { picked in
                        output.withUnsafeMutableBufferPointer { out in
                            Conversion.floats(
                                gatheringRows: picked, ofSize: size, fromBytes: source.baseAddress!, into: out.baseAddress!,
                                dividedBy: 255, simd: simd)
                        }
                    }
                }
                let expected = indices.flatMap { row in table[row * size..<(row + 1) * size].map { (Float($0) / 255).bitPattern } }
                #expect(output.prefix(indices.count * size).map(\.bitPattern) == expected, "size \(size), rows \(indices)")
                #expect(output.last == -1, "wrote past \(indices.count) rows")
            }
        }
    }

    @Test("allFinite finds one ±∞ or NaN anywhere, and accepts the largest and smallest floats", arguments: SIMDLevel.available)
    func finiteness(simd: SIMDLevel) {
        let count = 5_000
        var values = (0..<count).map { Float($0 % 17) - 8 }
        values[0] = .greatestFiniteMagnitude
        values[1] = -.greatestFiniteMagnitude
        values[2] = .leastNonzeroMagnitude
        values[3] = -0.0
        func check(_ values: [Float], _ length: Int) -> Bool {
            values.withUnsafeBufferPointer { Reduction.allFinite($0.baseAddress!, count: length, simd: simd) }
        }
        #expect(check(values, count))
        for special in [Float.infinity, -.infinity, .nan, -.nan, Float(bitPattern: 0x7fc0_0001)] {
            for position in [0, 7, 8, 1_023, 1_024, 2_047, 4_096, count - 1] {
                var spoiled = values
                spoiled[position] = special
                #expect(!check(spoiled, count), "\(special) at \(position)")
                // Only the elements counted are looked at.
                #expect(check(spoiled, position), "\(special) at \(position), counting \(position)")
            }
        }
    }
}
