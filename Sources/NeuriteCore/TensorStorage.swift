/// The reference-counted buffer behind a `Tensor`: `count` floats, 64-byte aligned (one cache
/// line, and the widest vector loads), freed when the last tensor that shares it goes away.
///
/// A storage is never mutated while it is shared: `Tensor` copies it first (copy-on-write).
@usableFromInline
final class TensorStorage: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<Float>
    @usableFromInline let count: Int

    /// Uninitialised storage for `count` floats.
    @usableFromInline
    init(count: Int) {
        precondition(count >= 0, "Tensor: negative element count \(count)")
        let raw = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        self.base = raw.bindMemory(to: Float.self, capacity: Swift.max(count, 1))
        self.count = count
    }

    /// A copy of `other`'s values.
    @usableFromInline
    convenience init(copying other: TensorStorage) {
        self.init(count: other.count)
        base.update(from: other.base, count: count)
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }
}
