import NeuriteKernels
import Testing

@Suite("GEMM kernel")
struct GemmTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let m: Int, n: Int, k: Int
        var testDescription: String { "\(m)×\(k) · \(k)×\(n)" }
    }

    /// Sizes covering every path: the skinny path (m ≤ 4), single and partial 6×16 tiles, primes,
    /// non-multiples of the tiles, more than one depth block (k > 256) and row block (m > 144).
    static let cases: [Case] = [
        Case(m: 1, n: 1, k: 1), Case(m: 1, n: 37, k: 300), Case(m: 3, n: 10, k: 17), Case(m: 4, n: 70, k: 9),
        Case(m: 5, n: 7, k: 3), Case(m: 6, n: 16, k: 8), Case(m: 13, n: 31, k: 257), Case(m: 17, n: 10, k: 128),
        Case(m: 151, n: 53, k: 61), Case(m: 64, n: 129, k: 2),
    ]

    /// C = alpha·op(A)·op(B) + beta·C by the definition, in Double.
    static func reference(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: [Float], lda: Int, b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int
    ) -> [Float] {
        var result = c
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                result[i * ldc + j] = Float(Double(alpha) * sum + (beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])))
            }
        }
        return result
    }

    /// Operands with padded leading dimensions (so strides are tested too), filled with a
    /// deterministic pattern.
    struct Operands {
        let transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int
        var lda: Int { (transposeA ? m : k) + 2 }
        var ldb: Int { (transposeB ? k : n) + 1 }
        var ldc: Int { n + 3 }
        var a: [Float] { (0..<((transposeA ? k : m) * lda)).map { Float(($0 * 7) % 13) / 8 - 0.7 } }
        var b: [Float] { (0..<((transposeB ? n : k) * ldb)).map { Float(($0 * 5) % 11) / 4 - 1.2 } }
        var c: [Float] { (0..<(m * ldc)).map { Float($0 % 5) - 2 } }

        func run(alpha: Float, beta: Float, threads: Int, simd: SIMDLevel) -> [Float] {
            var c = self.c
            let (a, b) = (self.a, self.b)
            c.withUnsafeMutableBufferPointer { cBuffer in
                Gemm.multiply(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: cBuffer.baseAddress!, ldc: ldc,
                    threads: threads, simd: simd)
            }
            return c
        }
    }

    @Test(arguments: cases, SIMDLevel.available)
    func matchesTheDefinitionForEveryTransposeAndScale(size: Case, simd: SIMDLevel) {
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let operands = Operands(transposeA: transposeA, transposeB: transposeB, m: size.m, n: size.n, k: size.k)
                for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25)] {
                    let expected = Self.reference(
                        transposeA: transposeA, transposeB: transposeB, m: size.m, n: size.n, k: size.k,
                        alpha: alpha, a: operands.a, lda: operands.lda, b: operands.b, ldb: operands.ldb,
                        beta: beta, c: operands.c, ldc: operands.ldc)
                    let actual = operands.run(alpha: alpha, beta: beta, threads: 2, simd: simd)
                    let worst = zip(actual, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
                    #expect(worst <= 1e-5, "transposeA \(transposeA) transposeB \(transposeB) alpha \(alpha) beta \(beta): relative error \(worst)")
                }
            }
        }
    }

    @Test(arguments: SIMDLevel.available)
    func matchesTheDefinitionOnSeededRandomShapes(simd: SIMDLevel) {
        var generator = SplitMix(seed: 2026)
        for _ in 0..<40 {
            let (m, n, k) = (generator.next(in: 1...70), generator.next(in: 1...70), generator.next(in: 1...300))
            let (transposeA, transposeB) = (generator.next(in: 0...1) == 1, generator.next(in: 0...1) == 1)
            let operands = Operands(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k)
            let expected = Self.reference(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1.5,
                a: operands.a, lda: operands.lda, b: operands.b, ldb: operands.ldb,
                beta: -1, c: operands.c, ldc: operands.ldc)
            let actual = operands.run(alpha: 1.5, beta: -1, threads: 2, simd: simd)
            let worst = zip(actual, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(worst <= 1e-5, "\(m)×\(k) · \(k)×\(n), transposeA \(transposeA) transposeB \(transposeB): \(worst)")
        }
    }

    @Test(arguments: [Case(m: 151, n: 200, k: 300), Case(m: 3, n: 500, k: 300), Case(m: 40, n: 10, k: 700)], SIMDLevel.available)
    func sameBitsOnOneTwoAndThreeThreads(size: Case, simd: SIMDLevel) {
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true)] {
            let operands = Operands(transposeA: transposeA, transposeB: transposeB, m: size.m, n: size.n, k: size.k)
            let results = [1, 2, 3].map { operands.run(alpha: 1, beta: 0, threads: $0, simd: simd) }
            #expect(results[0] == results[1] && results[1] == results[2], "transposeA \(transposeA) transposeB \(transposeB)")
        }
    }

    @Test func betaZeroIgnoresNaNInTheOutput() {
        var c: [Float] = [.nan, .nan]
        let a: [Float] = [1, 2], b: [Float] = [3, 4]
        c.withUnsafeMutableBufferPointer { buffer in
            Gemm.multiply(
                transposeA: false, transposeB: false, m: 2, n: 1, k: 1, alpha: 1,
                a: a, lda: 1, b: b, ldb: 1, beta: 0, c: buffer.baseAddress!, ldc: 1)
        }
        #expect(c == [3, 6])
    }

    @Test func betaZeroOnThePackedPathIgnoresNaNInTheOutput() {
        // Large enough for the packed path, which stores its first depth block instead of adding.
        let operands = Operands(transposeA: false, transposeB: false, m: 13, n: 40, k: 300)
        var c = [Float](repeating: .nan, count: operands.m * operands.ldc)
        let (a, b) = (operands.a, operands.b)
        c.withUnsafeMutableBufferPointer { buffer in
            Gemm.multiply(
                transposeA: false, transposeB: false, m: 13, n: 40, k: 300, alpha: 1, a: a, lda: operands.lda,
                b: b, ldb: operands.ldb, beta: 0, c: buffer.baseAddress!, ldc: operands.ldc)
        }
        let expected = operands.run(alpha: 1, beta: 0, threads: 1, simd: .detected)
        for row in 0..<13 {
            let range = row * operands.ldc..<(row * operands.ldc + 40)
            #expect(Array(c[range]) == Array(expected[range]), "row \(row)")
        }
    }

    /// B stored as `PanelMajor` (used in place, or transposed while packing) gives the same bits
    /// as the same B stored by rows, on any thread count.
    @Test(arguments: SIMDLevel.available)
    func panelMajorBMatchesRowMajorB(simd: SIMDLevel) {
        var generator = SplitMix(seed: 77)
        let shapes =
            [(64, 300, 288), (13, 40, 300), (5, 17, 9), (150, 33, 520)]
            + (0..<12).map { _ in
                (generator.next(in: 5...80), generator.next(in: 17...90), generator.next(in: 1...600))
            }
        for (m, n, k) in shapes {
            for transposeB in [false, true] {
                let operands = Operands(transposeA: false, transposeB: transposeB, m: m, n: n, k: k)
                // The stored matrix: op(B) = B (k × n) or Bᵀ with B n × k.
                let (rows, columns) = transposeB ? (n, k) : (k, n)
                let rowMajor = operands.b
                var panels = [Float](repeating: 0, count: PanelMajor.count(rows: rows, columns: columns))
                for r in 0..<rows {
                    for column in 0..<columns {
                        panels[PanelMajor.offset(row: r, column: column, rows: rows)] = rowMajor[r * operands.ldb + column]
                    }
                }
                let expected = operands.run(alpha: 0.5, beta: 0, threads: 1, simd: simd)
                for threads in [1, 2, 3] {
                    var c = operands.c
                    let a = operands.a
                    c.withUnsafeMutableBufferPointer { buffer in
                        Gemm.multiply(
                            transposeA: false, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5, a: a, lda: operands.lda,
                            panelMajorB: panels, beta: 0, c: buffer.baseAddress!, ldc: operands.ldc, threads: threads, simd: simd)
                    }
                    let same = (0..<m).allSatisfy { row in
                        let range = row * operands.ldc..<(row * operands.ldc + n)
                        return Array(c[range]) == Array(expected[range])
                    }
                    #expect(same, "\(m)×\(k) · \(k)×\(n), transposeB \(transposeB), \(threads) threads")
                }
            }
        }
    }

    /// A packed A gives the bits of packing it in every product: several depth blocks (k > 256),
    /// several row blocks (m > 144), A transposed or not, B row-major or in panels, beta 0 or 1.
    @Test(arguments: SIMDLevel.available)
    func packedAMatchesPackingEveryTime(simd: SIMDLevel) {
        for (m, n, k) in [(64, 196, 288), (288, 196, 64), (151, 40, 520), (5, 17, 9)] {
            for transposeA in [false, true] {
                for beta: Float in [0, 1] {
                    let operands = Operands(transposeA: transposeA, transposeB: false, m: m, n: n, k: k)
                    let expected = operands.run(alpha: 1, beta: beta, threads: 1, simd: simd)
                    let packed = PackedA(transposeA: transposeA, rows: m, depth: k, a: operands.a, lda: operands.lda, simd: simd)
                    // The operands are computed properties: read each once.
                    let (b, ldb) = (operands.b, operands.ldb)
                    var panels = [Float](repeating: 0, count: PanelMajor.count(rows: k, columns: n))
                    for r in 0..<k {
                        for column in 0..<n { panels[PanelMajor.offset(row: r, column: column, rows: k)] = b[r * ldb + column] }
                    }
                    for (threads, inPanels) in [(1, false), (2, false), (3, true), (1, true)] {
                        var c = operands.c
                        c.withUnsafeMutableBufferPointer { buffer in
                            if inPanels {
                                Gemm.multiply(
                                    packedA: packed, transposeB: false, n: n, b: panels, panelMajorB: true, beta: beta,
                                    c: buffer.baseAddress!, ldc: operands.ldc, threads: threads, simd: simd)
                            } else {
                                Gemm.multiply(
                                    packedA: packed, transposeB: false, n: n, b: b, ldb: ldb, beta: beta,
                                    c: buffer.baseAddress!, ldc: operands.ldc, threads: threads, simd: simd)
                            }
                        }
                        #expect(
                            c == expected, "\(m)×\(k) · \(k)×\(n), transposeA \(transposeA), beta \(beta), \(threads) threads, panels \(inPanels)")
                    }
                }
            }
        }
    }

    @Test func zeroDepthOnlyScalesC() {
        var c: [Float] = [1, 2, 3, 4]
        let empty: [Float] = [0]
        c.withUnsafeMutableBufferPointer { buffer in
            Gemm.multiply(
                transposeA: false, transposeB: false, m: 2, n: 2, k: 0, alpha: 1,
                a: empty, lda: 1, b: empty, ldb: 2, beta: 0.5, c: buffer.baseAddress!, ldc: 2)
        }
        #expect(c == [0.5, 1, 1.5, 2])
    }
}

/// A small seeded generator for test shapes (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(in range: ClosedRange<Int>) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return range.lowerBound + Int(z % UInt64(range.count))
    }
}
