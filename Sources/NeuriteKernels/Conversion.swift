import CNeuriteSIMD

/// Conversions between element types over raw buffers.
public enum Conversion {
    /// `output[i] = Float(bytes[i]) / divisor` for `count` elements (vectorised). A division, not
    /// a multiplication by `1/divisor`, so the bits are those of `Float(byte) / divisor`.
    public static func floats(
        fromBytes bytes: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<Float>, count: Int, dividedBy divisor: Float,
        simd: SIMDLevel = .detected
    ) {
        (simd == .avx2 ? neurite_bytes_to_floats_avx2 : neurite_bytes_to_floats_portable)(bytes, output, count, divisor)
    }
}
