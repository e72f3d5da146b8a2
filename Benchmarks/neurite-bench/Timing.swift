import Dispatch

/// The median wall time of `body` in seconds, over enough runs to fill about `budget` seconds
/// (at least 5), after one warm-up run.
func medianSeconds(budget: Double = 0.3, _ body: () -> Void) -> Double {
    body()
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    let once = max(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, 1e-7)
    let runs = min(max(5, Int(budget / once)), 2001)
    var samples: [Double] = []
    samples.reserveCapacity(runs)
    for _ in 0..<runs {
        let t0 = DispatchTime.now().uptimeNanoseconds
        body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    samples.sort()
    return samples[samples.count / 2]
}

func formatted(_ value: Double, decimals: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if let dot = text.firstIndex(of: ".") {
        let have = text.distance(from: dot, to: text.endIndex) - 1
        if have < decimals { text += String(repeating: "0", count: decimals - have) }
    }
    return text
}

func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

/// The median of `values`.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

/// Times Neurite and the reference alternately `rounds` times; the median of each side.
func alternating(rounds: Int, _ ours: () throws -> Double, _ theirs: () throws -> Double) rethrows -> (ours: Double, theirs: Double) {
    var mine: [Double] = [], reference: [Double] = []
    for _ in 0..<rounds {
        mine.append(try ours())
        reference.append(try theirs())
    }
    return (median(mine), median(reference))
}
