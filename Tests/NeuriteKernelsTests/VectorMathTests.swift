import NeuriteKernels
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Vector math accuracy")
struct VectorMathTests {
    typealias Kernel = (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, SIMDLevel) -> Void

    struct Function: Sendable, CustomTestStringConvertible {
        let name: String
        let maxULP: Double
        let range: ClosedRange<Float>
        let kernel: @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, SIMDLevel) -> Void
        let reference: @Sendable (Double) -> Double
        var testDescription: String { name }
    }

    static let functions: [Function] = [
        Function(name: "exp", maxULP: 1.5, range: -110...90, kernel: { VectorMath.exp($0, $1, count: $2, simd: $3) }, reference: { exp($0) }),
        Function(name: "log", maxULP: 1.5, range: 0...1e6, kernel: { VectorMath.log($0, $1, count: $2, simd: $3) }, reference: { log($0) }),
        Function(name: "tanh", maxULP: 2, range: -12...12, kernel: { VectorMath.tanh($0, $1, count: $2, simd: $3) }, reference: { tanh($0) }),
        Function(
            name: "sigmoid", maxULP: 3, range: -110...40, kernel: { VectorMath.sigmoid($0, $1, count: $2, simd: $3) },
            reference: { 1 / (1 + exp(-$0)) }),
        Function(name: "erf", maxULP: 3, range: -5...5, kernel: { VectorMath.erf($0, $1, count: $2, simd: $3) }, reference: { erf($0) }),
    ]

    /// Points spread evenly over `range`, plus every float bit pattern in steps (all magnitudes,
    /// both signs, denormals included) that falls inside the range.
    static func samples(in range: ClosedRange<Float>) -> [Float] {
        let even = (0..<400_000).map { range.lowerBound + (range.upperBound - range.lowerBound) * Float($0) / 399_999 }
        let patterns = stride(from: UInt32(0), to: UInt32.max - 4095, by: 4093).map { Float(bitPattern: $0) }
            .filter { $0.isFinite && range.contains($0) }
        return even + patterns
    }

    /// |approx − exact| in units of the last place of the correctly rounded result.
    static func ulpError(_ approx: Float, _ exact: Double) -> Double {
        let rounded = Float(exact)
        if rounded.isInfinite || approx.isInfinite { return approx == rounded ? 0 : .infinity }
        let unit = Double(rounded == 0 ? Float.leastNonzeroMagnitude : rounded.ulp)
        return abs(Double(approx) - exact) / unit
    }

    @Test(arguments: functions, SIMDLevel.available)
    func maximumErrorWithinDocumentedBound(function: Function, simd: SIMDLevel) {
        let inputs = Self.samples(in: function.range)
        var outputs = [Float](repeating: 0, count: inputs.count)
        outputs.withUnsafeMutableBufferPointer { function.kernel(inputs, $0.baseAddress!, inputs.count, simd) }
        var worst = 0.0, worstInput: Float = 0
        for (x, y) in zip(inputs, outputs) {
            let error = Self.ulpError(y, function.reference(Double(x)))
            if !(error <= worst) {
                worst = error
                worstInput = x
            }
        }
        #expect(worst <= function.maxULP, "\(function.name) (\(simd)): \(worst) ulp at x = \(worstInput) over \(inputs.count) points")
    }

    @Test(arguments: SIMDLevel.available)
    func specialValues(simd: SIMDLevel) {
        func run(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, SIMDLevel) -> Void, _ x: [Float]) -> [Float] {
            var y = [Float](repeating: 0, count: x.count)
            y.withUnsafeMutableBufferPointer { kernel(x, $0.baseAddress!, x.count, simd) }
            return y
        }
        let special: [Float] = [.infinity, -.infinity, 0, -0.0, 100, -200]
        #expect(run({ VectorMath.exp($0, $1, count: $2, simd: $3) }, special) == [.infinity, 0, 1, 1, .infinity, 0])
        #expect(run({ VectorMath.log($0, $1, count: $2, simd: $3) }, [0, .infinity, 1]) == [-.infinity, .infinity, 0])
        #expect(run({ VectorMath.log($0, $1, count: $2, simd: $3) }, [-1])[0].isNaN)
        #expect(run({ VectorMath.tanh($0, $1, count: $2, simd: $3) }, special) == [1, -1, 0, -0.0, 1, -1])
        #expect(run({ VectorMath.sigmoid($0, $1, count: $2, simd: $3) }, special) == [1, 0, 0.5, 0.5, 1, 0])
        #expect(run({ VectorMath.erf($0, $1, count: $2, simd: $3) }, special) == [1, -1, 0, -0.0, 1, -1])
        for kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, SIMDLevel) -> Void in [
            { VectorMath.exp($0, $1, count: $2, simd: $3) }, { VectorMath.log($0, $1, count: $2, simd: $3) },
            { VectorMath.tanh($0, $1, count: $2, simd: $3) }, { VectorMath.sigmoid($0, $1, count: $2, simd: $3) },
            { VectorMath.erf($0, $1, count: $2, simd: $3) },
        ] {
            #expect(run(kernel, [.nan])[0].isNaN)
        }
    }

    @Test func largeBuffersGiveTheSameBitsOnAnyThreadCount() {
        let inputs = (0..<200_000).map { Float($0 % 1000) / 50 - 10 }
        var results: [[Float]] = []
        let saved = Threading.maximumThreads
        defer { Threading.maximumThreads = saved }
        for threads in [1, 2, 3] {
            Threading.maximumThreads = threads
            var y = [Float](repeating: 0, count: inputs.count)
            y.withUnsafeMutableBufferPointer { VectorMath.tanh(inputs, $0.baseAddress!, count: inputs.count) }
            results.append(y)
        }
        #expect(results[0] == results[1] && results[1] == results[2])
    }
}
