import Dispatch
import Neurite
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

/// One training step of the 784-256-128-10 MLP (Adam 1e-3, batch 128) in process, on random
/// inputs, split into its phases: forward pass and loss, backward pass, optimizer step (with
/// zeroing the gradients). No data loading, no divergence guard, no metrics: what is left beside
/// the products. Medians of `steps` steps per phase, after 20 warm-up steps.
func runStepPhaseBenchmarks(quick: Bool) throws {
    let steps = quick ? 100 : 400
    print("\nOne MLP training step in phases (µs, medians of \(steps) steps)")
    print("\(padded("threads", 8)) \(padded("forward", 9)) \(padded("backward", 9)) \(padded("optimizer", 10)) \(padded("step", 9))")
    let saved = Threading.maximumThreads
    defer { Threading.maximumThreads = saved }
    for threads in Array(Set([1, saved])).sorted() {
        Threading.maximumThreads = threads
        var generator = PhiloxGenerator(seed: 11)
        DefaultGenerator.seed(11)
        let model = Sequential {
            Dense(784, 256)
            ReLU()
            Dense(256, 128)
            ReLU()
            Dense(128, 10)
        }
        let optimizer = try Adam(model.parameters, learningRate: 1e-3)
        let inputs = Tensor.uniform([128, 784], generator: &generator)
        let targets = Tensor((0..<128).map { Float($0 % 10) })
        var phases: [[Double]] = [[], [], [], []]
        for step in 0..<(steps + 20) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let loss = crossEntropy(logits: model(inputs), classIndices: targets)
            let t1 = DispatchTime.now().uptimeNanoseconds
            loss.backward()
            let t2 = DispatchTime.now().uptimeNanoseconds
            optimizer.step()
            optimizer.zeroGradients()
            let t3 = DispatchTime.now().uptimeNanoseconds
            guard step >= 20 else { continue }
            for (index, (start, end)) in [(t0, t1), (t1, t2), (t2, t3), (t0, t3)].enumerated() {
                phases[index].append(Double(end - start) / 1e3)
            }
        }
        let medians = phases.map(median)
        print(
            "\(padded("\(threads)", 8)) \(padded(formatted(medians[0]), 9)) \(padded(formatted(medians[1]), 9)) \(padded(formatted(medians[2]), 10)) \(padded(formatted(medians[3]), 9))"
        )
    }
}
