import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A cache of large float buffers, so that a training loop, which frees and allocates the same
/// activation sizes at every step, reuses memory instead of asking the system for it again.
///
/// Why: the system allocator hands large blocks out as fresh pages (`mmap`) and gives them back
/// when freed, so every large tensor of every step costs one page fault per 4 KiB, each zeroing a
/// page that is then overwritten. Measured on the 2-conv network of `neurite train --architecture
/// cnn` (Fashion-MNIST, batch 128, one epoch): 4.2 million page faults and 23.6 s without the
/// cache, 0.29 million and 17.9–19.5 s with it (the same as telling glibc to keep its memory).
///
/// Policy: buffers of at least `minimumCount` floats are rounded up to a size class (steps of a
/// quarter of a power of two, so at most 25 % is unused) and, when freed, kept on a list while
/// the cached total stays within `limit` bytes (512 MiB for `shared`); an allocation takes the
/// most recently freed buffer of its class. A free that would exceed the limit first evicts the
/// least recently freed buffers. Smaller buffers go straight to the system allocator. Contents of a reused buffer are
/// undefined, as for any fresh allocation; results never depend on the cache.
public final class BufferCache: Sendable {
    /// The cache behind every tensor's storage.
    public static let shared = BufferCache()

    /// Buffers smaller than this many floats (256 KiB) bypass the cache.
    public static let minimumCount = 1 << 16

    private struct Entry {
        let pointer: UnsafeMutablePointer<Float>
        let capacity: Int
    }

    private struct State {
        /// Oldest first.
        var entries: [UncheckedSendable<Entry>] = []
        var cachedBytes = 0
        var limit: Int
    }

    private let state: Mutex<State>

    /// A cache that keeps at most `limit` bytes (the shared one: 512 MiB, enough for the
    /// activations of a training step of the CNNs of `neurite train` at batch 128).
    public init(limit: Int = 1 << 29) {
        precondition(limit >= 0, "BufferCache: the limit \(limit) is negative")
        state = Mutex(State(limit: limit))
    }

    deinit { empty() }

    /// The most bytes kept for reuse; 0 turns the cache off and frees what it holds. Memory in
    /// use by tensors does not count.
    public var limit: Int {
        get { state.withLock { $0.limit } }
        set {
            precondition(newValue >= 0, "BufferCache.limit: \(newValue) is negative")
            let evicted = state.withLock { state -> [UncheckedSendable<Entry>] in
                state.limit = newValue
                return Self.evict(&state, toFit: 0)
            }
            for entry in evicted { Self.release(entry.value.pointer) }
        }
    }

    /// Bytes held by the cache now (freed buffers waiting for reuse).
    public var cachedBytes: Int { state.withLock { $0.cachedBytes } }

    /// Gives every cached buffer back to the system.
    public func empty() {
        let evicted = state.withLock { state -> [UncheckedSendable<Entry>] in
            defer {
                state.entries = []
                state.cachedBytes = 0
            }
            return state.entries
        }
        for entry in evicted { Self.release(entry.value.pointer) }
    }

    /// A 64-byte-aligned buffer of at least `count` floats (contents undefined). Pass it back to
    /// `deallocate(_:count:)` with the same `count`.
    public func allocate(count: Int) -> UnsafeMutablePointer<Float> {
        let capacity = Self.capacity(for: count)
        if capacity >= Self.minimumCount {
            let reused = state.withLock { state -> UnsafeMutablePointer<Float>? in
                guard let index = state.entries.lastIndex(where: { $0.value.capacity == capacity }) else { return nil }
                state.cachedBytes -= capacity * MemoryLayout<Float>.stride
                return state.entries.remove(at: index).value.pointer
            }
            if let reused { return reused }
        }
        let bytes = capacity * MemoryLayout<Float>.stride
        guard bytes >= Self.hugePageThreshold else {
            return UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64).bindMemory(to: Float.self, capacity: capacity)
        }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: Self.hugePageSize)
        Self.adviseHugePages(raw, bytes: bytes)
        return raw.bindMemory(to: Float.self, capacity: capacity)
    }

    /// Buffers of at least this many bytes (8 MiB) start on a 2 MiB boundary and ask for
    /// transparent huge pages: an embedding table of a million rows, read a row here and a row
    /// there, otherwise misses the TLB on nearly every row, and a fresh buffer takes one page
    /// fault per 2 MiB instead of per 4 KiB. Measured on `neurite train --dataset langid`
    /// (1.2 million rows × 64, with Adam's two moments): 13.4 s per epoch before, 11.5–12.6 s after.
    static let hugePageThreshold = 8 << 20
    static let hugePageSize = 2 << 20

    private static func adviseHugePages(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
            // Only a hint: where transparent huge pages are off, nothing changes.
            _ = madvise(pointer, bytes, MADV_HUGEPAGE)
        #endif
    }

    /// Returns a buffer from `allocate(count:)`: kept for reuse when large enough and within the
    /// limit, else freed.
    public func deallocate(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        let capacity = Self.capacity(for: count)
        guard capacity >= Self.minimumCount else { return Self.release(pointer) }
        let bytes = capacity * MemoryLayout<Float>.stride
        let (kept, evicted) = state.withLock { state -> (Bool, [UncheckedSendable<Entry>]) in
            guard bytes <= state.limit else { return (false, []) }
            let evicted = Self.evict(&state, toFit: bytes)
            state.entries.append(UncheckedSendable(Entry(pointer: pointer, capacity: capacity)))
            state.cachedBytes += bytes
            return (true, evicted)
        }
        if !kept { Self.release(pointer) }
        for entry in evicted { Self.release(entry.value.pointer) }
    }

    /// The floats actually allocated for a request of `count`: `count` itself below
    /// `minimumCount`, else `count` rounded up to the next multiple of a quarter of its leading
    /// power of two.
    static func capacity(for count: Int) -> Int {
        let count = max(count, 1)
        guard count >= minimumCount else { return count }
        let step = 1 << (Int.bitWidth - count.leadingZeroBitCount - 1 - 2)
        return (count + step - 1) / step * step
    }

    /// Removes the least recently freed entries until `bytes` more fit within the limit; the
    /// caller frees them outside the lock.
    private static func evict(_ state: inout State, toFit bytes: Int) -> [UncheckedSendable<Entry>] {
        var count = 0
        var cached = state.cachedBytes
        while cached + bytes > state.limit && count < state.entries.count {
            cached -= state.entries[count].value.capacity * MemoryLayout<Float>.stride
            count += 1
        }
        guard count > 0 else { return [] }
        let evicted = Array(state.entries[..<count])
        state.entries.removeFirst(count)
        state.cachedBytes = cached
        return evicted
    }

    private static func release(_ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
