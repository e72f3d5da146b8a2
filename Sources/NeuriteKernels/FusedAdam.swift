import CNeuriteSIMD

/// Adam's dense update in one pass (`adam.c`), split across threads for large parameters. Each
/// element is computed alone, with the float operations of the update written as tensor
/// operations, so results are the same bits on any thread count and SIMD level.
public enum FusedAdam {
    /// How weight decay enters: none, decoupled (AdamW: the weight shrinks by `decay` first) or
    /// coupled (L2: `decay · weight` is added to the gradient).
    public enum Decay: Int32, Sendable {
        /// No weight decay.
        case none = 0
        /// AdamW's: the weight is multiplied by `factor` (1 − γλ) first.
        case decoupled = 1
        /// L2: `factor · weight` (λ) is added to the gradient.
        case coupled = 2
    }

    /// Elements below which one thread does all the work.
    static let parallelThreshold = 1 << 15
    /// Elements per task.
    static let chunk = 1 << 14

    /// Updates `count` elements of the parameter `p` and the moments `m` and `v` in place from the
    /// gradient `g`: `m ← β₁m + (1 − β₁)g`, `v ← β₂v + (1 − β₂)g²`,
    /// `p ← p − (m / (√v / root2 + ε)) · stepSize`, with the decay of `decay` (its factor `factor`).
    public static func update(
        parameter p: UnsafeMutablePointer<Float>, firstMoment m: UnsafeMutablePointer<Float>, secondMoment v: UnsafeMutablePointer<Float>,
        gradient g: UnsafePointer<Float>, count: Int, beta1: Float, beta2: Float, root2: Float, epsilon: Float, stepSize: Float,
        decay: Decay, factor: Float, simd: SIMDLevel = .detected
    ) {
        var constants = neurite_adam_constants(
            beta1: beta1, keep1: 1 - beta1, beta2: beta2, keep2: 1 - beta2, root2: root2, epsilon: epsilon, step_size: stepSize, decay: factor)
        let kernel = simd == .avx2 ? neurite_adam_avx2 : neurite_adam_portable
        if count < parallelThreshold {
            kernel(p, m, v, g, count, &constants, decay.rawValue)
            return
        }
        let pointers = UncheckedSendable((p, m, v, g)), shared = constants
        Parallel.forEachRange((count + chunk - 1) / chunk) { chunks in
            var constants = shared
            let (p, m, v, g) = pointers.value
            let start = chunks.lowerBound * chunk, end = min(chunks.upperBound * chunk, count)
            kernel(p + start, m + start, v + start, g + start, end - start, &constants, decay.rawValue)
        }
    }
}
