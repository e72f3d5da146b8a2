import Neurite
import NeuriteKernels

/// One product `op(A)·op(B)` of `m × k` by `k × n`.
struct GemmShape {
    let label: String
    let m: Int, n: Int, k: Int
    var transposeA = false, transposeB = false
    var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
}

/// The products of one training step of a 784-256-128-10 MLP at batch 128, with weights stored
/// `[out, in]` as in PyTorch: forward `X·Wᵀ`, backward `G·W` (input gradient) and `Gᵀ·X` (weight
/// gradient).
let mlpShapes: [GemmShape] = [
    GemmShape(label: "fwd 784→256", m: 128, n: 256, k: 784, transposeB: true),
    GemmShape(label: "fwd 256→128", m: 128, n: 128, k: 256, transposeB: true),
    GemmShape(label: "fwd 128→10 (skinny)", m: 128, n: 10, k: 128, transposeB: true),
    GemmShape(label: "dX 10→128 (skinny k)", m: 128, n: 128, k: 10),
    GemmShape(label: "dX 128→256", m: 128, n: 256, k: 128),
    GemmShape(label: "dW 128×10 (skinny)", m: 10, n: 128, k: 128, transposeA: true),
    GemmShape(label: "dW 256×128", m: 128, n: 256, k: 128, transposeA: true),
    GemmShape(label: "dW 784×256", m: 256, n: 784, k: 128, transposeA: true),
]

/// Median seconds of Neurite's GEMM on `shape` with `threads` threads.
func neuriteGemmSeconds(_ shape: GemmShape, threads: Int, budget: Double) -> Double {
    let aCount = shape.m * shape.k, bCount = shape.k * shape.n
    var generator = PhiloxGenerator(seed: 1)
    let a = Tensor.normal([aCount], generator: &generator).scalars
    let b = Tensor.normal([bCount], generator: &generator).scalars
    var c = [Float](repeating: 0, count: shape.m * shape.n)
    return c.withUnsafeMutableBufferPointer { output in
        medianSeconds(budget: budget) {
            Gemm.multiply(
                transposeA: shape.transposeA, transposeB: shape.transposeB, m: shape.m, n: shape.n, k: shape.k,
                alpha: 1, a: a, lda: shape.transposeA ? shape.m : shape.k,
                b: b, ldb: shape.transposeB ? shape.k : shape.n,
                beta: 0, c: output.baseAddress!, ldc: shape.n, threads: threads)
        }
    }
}

func runGemmBenchmarks(quick: Bool, rounds: Int) throws {
    let budget = quick ? 0.1 : 0.4
    let squares = (quick ? [64, 256, 512] : [64, 128, 256, 512, 1024, 2048]).map {
        GemmShape(label: "square \($0)", m: $0, n: $0, k: $0)
    }
    for threads in [1, 2] {
        let numpy = try NumpyReference(threads: threads)
        print("\nGEMM, \(threads) thread\(threads == 1 ? "" : "s") (GFLOP/s)")
        print("\(padded("shape", 24)) \(padded("m×n×k", 14)) \(padded("Neurite", 8)) \(padded("NumPy", 8)) \(padded("ratio", 6))")
        for shape in squares + mlpShapes {
            let (ours, theirs) = try alternating(
                rounds: rounds,
                {
                    neuriteGemmSeconds(shape, threads: threads, budget: budget)
                },
                {
                    try numpy.gemm(
                        m: shape.m, n: shape.n, k: shape.k,
                        transposeA: shape.transposeA, transposeB: shape.transposeB, budget: budget)
                })
            let op = (shape.transposeA ? "ᵀ" : "") + (shape.transposeB ? "·ᵀ" : "")
            print(
                "\(padded(shape.label, 24)) \(padded("\(shape.m)×\(shape.n)×\(shape.k)\(op)", 14)) \(padded(formatted(shape.flops / ours / 1e9), 8)) \(padded(formatted(shape.flops / theirs / 1e9), 8)) \(padded(formatted(theirs / ours, decimals: 2), 6))"
            )
        }
    }
    try runBatchOneForward(budget: budget, rounds: rounds)
}

/// The forward pass of the 784-256-128-10 MLP on one sample through the tensor API:
/// three products by `[out, in]` weights, bias additions and ReLUs, allocation included.
func runBatchOneForward(budget: Double, rounds: Int) throws {
    var generator = PhiloxGenerator(seed: 3)
    let widths = [784, 256, 128, 10]
    let weights = (0..<3).map { Tensor.normal([widths[$0 + 1], widths[$0]], standardDeviation: 0.05, generator: &generator) }
    let biases = (0..<3).map { Tensor.zeros([widths[$0 + 1]]) }
    let x = Tensor.normal([1, 784], generator: &generator)
    var outputs = 0
    let seconds = median(
        (0..<rounds).map { _ in
            medianSeconds(budget: budget) {
                var h = x
                for layer in 0..<3 {
                    h = matmul(h, weights[layer], transposeB: true) + biases[layer]
                    if layer < 2 { h = clamp(h, min: 0) }  // ReLU
                }
                outputs += h.scalarCount
            }
        })
    precondition(outputs > 0)
    print("\nBatch-1 forward of the 784-256-128-10 MLP (tensor API, \(Threading.maximumThreads) threads): \(formatted(seconds * 1e6)) µs")
}
