import Neurite
import NeuriteKernels

/// Cheap tensor operations through the public API (result allocation included) against the same
/// NumPy expressions: 2²⁰-element vectors and a 1024×1024 matrix.
func runOperationBenchmarks(quick: Bool, rounds: Int) throws {
    let budget = quick ? 0.1 : 0.3
    let numpy = try NumpyReference(threads: 1)
    var generator = PhiloxGenerator(seed: 7)
    let v1 = Tensor.uniform([1 << 20], generator: &generator), v2 = Tensor.uniform([1 << 20], generator: &generator)
    let m = Tensor.uniform([1024, 1024], generator: &generator), row = Tensor.uniform([1024], generator: &generator)
    var sink = 0
    let operations: [(String, () -> Tensor)] = [
        ("add", { v1 + v2 }), ("multiply-scalar", { v1 * 3 }), ("add-row", { m + row }),
        ("sum", { v1.sum() }), ("sum-columns", { m.sum(axis: 0) }), ("sum-rows", { m.sum(axis: 1) }),
        ("max-rows", { m.max(axis: 1) }), ("transpose", { m.transposed() }),
    ]
    print("\nTensor operations, Neurite with \(Threading.maximumThreads) threads, NumPy (µs)")
    print("\(padded("operation", 16)) \(padded("Neurite", 9)) \(padded("NumPy", 9)) \(padded("ratio", 6))")
    for (name, operation) in operations {
        let (ours, theirs) = try alternating(
            rounds: rounds,
            {
                medianSeconds(budget: budget) { sink &+= operation().scalarCount }
            },
            {
                try numpy.operation(name, budget: budget)
            })
        print(
            "\(padded(name, 16)) \(padded(formatted(ours * 1e6), 9)) \(padded(formatted(theirs * 1e6), 9)) \(padded(formatted(theirs / ours, decimals: 2), 6))"
        )
    }
    precondition(sink > 0)
}
