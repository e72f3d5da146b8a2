import NeuriteKernels

/// Neurite's GEMM alone on the eight products of one MLP training step (`mlpShapes`), on one and
/// on all threads, with no reference process running beside it: a reference library's threads
/// may still be spinning after its own calls, which skews a two-thread measurement. Prints the
/// rate of each product, its time, and the sum of the times (a step's product floor).
func runStepProductBenchmarks(quick: Bool, rounds: Int) {
    let budget = quick ? 0.1 : 0.4
    let threadCounts = Array(Set([1, Threading.maximumThreads])).sorted()
    print("\nThe products of one MLP training step, Neurite alone (GFLOP/s, µs)")
    var header = "\(padded("shape", 24)) \(padded("m×n×k", 14))"
    for threads in threadCounts { header += " \(padded("\(threads)T GFLOP/s", 12)) \(padded("\(threads)T µs", 8))" }
    print(header)
    var totals = [Double](repeating: 0, count: threadCounts.count)
    for shape in mlpShapes {
        let op = (shape.transposeA ? "ᵀ" : "") + (shape.transposeB ? "·ᵀ" : "")
        var line = "\(padded(shape.label, 24)) \(padded("\(shape.m)×\(shape.n)×\(shape.k)\(op)", 14))"
        for (index, threads) in threadCounts.enumerated() {
            let seconds = median((0..<rounds).map { _ in neuriteGemmSeconds(shape, threads: threads, budget: budget) })
            totals[index] += seconds
            line += " \(padded(formatted(shape.flops / seconds / 1e9), 12)) \(padded(formatted(seconds * 1e6), 8))"
        }
        print(line)
    }
    var line = "\(padded("all eight", 24)) \(padded("", 14))"
    for total in totals { line += " \(padded("", 12)) \(padded(formatted(total * 1e6), 8))" }
    print(line)
}
