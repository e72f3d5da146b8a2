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

    /// `output[r·size + i] = Float(table[indices[r]·size + i]) / divisor`: the rows `indices` of a
    /// byte table with rows of `size` bytes, converted as `floats(fromBytes:…)` converts them and
    /// stored one after another. The rows ahead are prefetched, which matters when they are picked
    /// at random from a table larger than the caches (a shuffled batch of images).
    /// - Precondition: every index is a row of the table (the caller checks).
    public static func floats(
        gatheringRows indices: UnsafeBufferPointer<Int>, ofSize size: Int, fromBytes table: UnsafePointer<UInt8>,
        into output: UnsafeMutablePointer<Float>, dividedBy divisor: Float, simd: SIMDLevel = .detected
    ) {
        guard let first = indices.baseAddress, size > 0 else { return }
        (simd == .avx2 ? neurite_gather_bytes_to_floats_avx2 : neurite_gather_bytes_to_floats_portable)(
            table, first, indices.count, size, divisor, output)
    }
}
