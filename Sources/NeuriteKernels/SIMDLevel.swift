import CNeuriteSIMD

/// Which family of micro-kernels runs: the portable C code (vectorised for the baseline target) or
/// the AVX2+FMA code, chosen once at start-up from what the processor supports.
public enum SIMDLevel: Sendable, CaseIterable {
    case portable
    case avx2

    /// The best level this processor supports.
    public static let detected: SIMDLevel = neurite_cpu_has_avx2_fma() != 0 ? .avx2 : .portable

    /// The levels that can run here (for tests that compare them).
    public static var available: [SIMDLevel] { detected == .avx2 ? [.portable, .avx2] : [.portable] }
}
