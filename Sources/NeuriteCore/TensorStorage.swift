import NeuriteKernels

/// The reference-counted buffer behind a `Tensor`: `count` floats, 64-byte aligned (one cache
/// line, and the widest vector loads), freed when the last tensor that shares it goes away
/// (large buffers go back to `BufferCache.shared` for the next step of a training loop to reuse).
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
        self.base = BufferCache.shared.allocate(count: count)
        self.count = count
    }

    /// A copy of `other`'s values.
    @usableFromInline
    convenience init(copying other: TensorStorage) {
        self.init(count: other.count)
        base.update(from: other.base, count: count)
    }

    deinit { BufferCache.shared.deallocate(base, count: count) }
}
