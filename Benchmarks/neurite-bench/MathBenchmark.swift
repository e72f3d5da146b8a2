import Neurite
import NeuriteKernels

/// Vector math over one million floats in [-5, 5) (log on [1, 6)): Neurite against NumPy
/// (SciPy for sigmoid and erf), both single-threaded, and Neurite with all threads.
func runMathBenchmarks(quick: Bool, rounds: Int) throws {
    let count = 1 << 20
    let budget = quick ? 0.1 : 0.3
    let numpy = try NumpyReference(threads: 1)
    var generator = PhiloxGenerator(seed: 5)
    let inputs = Tensor.uniform([count], low: -5, high: 5, generator: &generator).scalars
    let positive = inputs.map { abs($0) + 1 }
    var output = [Float](repeating: 0, count: count)
    let saved = Threading.maximumThreads
    defer { Threading.maximumThreads = saved }
    let kernels: [(String, (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void)] = [
        ("exp", { VectorMath.exp($0, $1, count: $2) }), ("log", { VectorMath.log($0, $1, count: $2) }),
        ("tanh", { VectorMath.tanh($0, $1, count: $2) }), ("sigmoid", { VectorMath.sigmoid($0, $1, count: $2) }),
        ("erf", { VectorMath.erf($0, $1, count: $2) }),
    ]
    print("\nVector math on 2²⁰ floats (ns per element)")
    print("\(padded("function", 10)) \(padded("Neurite 1T", 11)) \(padded("NumPy 1T", 9)) \(padded("ratio", 6)) \(padded("Neurite \(saved)T", 11))")
    for (name, kernel) in kernels {
        let source = name == "log" ? positive : inputs
        func ours(threads: Int) -> Double {
            Threading.maximumThreads = threads
            return source.withUnsafeBufferPointer { x in
                output.withUnsafeMutableBufferPointer { y in
                    medianSeconds(budget: budget) { kernel(x.baseAddress!, y.baseAddress!, count) }
                }
            }
        }
        let (single, theirs) = try alternating(
            rounds: rounds, { ours(threads: 1) },
            {
                try numpy.unary(name, count: count, budget: budget)
            })
        let timings = [single, median((0..<rounds).map { _ in ours(threads: saved) })]
        let perElement = { (seconds: Double) in formatted(seconds / Double(count) * 1e9, decimals: 2) }
        print(
            "\(padded(name, 10)) \(padded(perElement(timings[0]), 11)) \(padded(perElement(theirs), 9)) \(padded(formatted(theirs / timings[0], decimals: 2), 6)) \(padded(perElement(timings[1]), 11))"
        )
    }
}
