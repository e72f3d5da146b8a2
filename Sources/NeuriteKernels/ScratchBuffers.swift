import Synchronization

/// Reusable scratch buffers for packing. Packing buffers are large (hundreds of KiB); allocating
/// them per call would map fresh pages from the system each time, whose faults cost more than a
/// small product itself.
enum ScratchBuffers {
    private struct Entry {
        let pointer: UnsafeMutablePointer<Float>
        let capacity: Int
    }
    private static let free = Mutex<[UncheckedSendable<Entry>]>([])
    /// Buffers kept for reuse at most (enough for every thread's A and B panels).
    private static let keep = 16

    /// Calls `body` with a buffer of at least `count` floats (64-byte aligned, contents undefined).
    static func with<Result>(count: Int, _ body: (UnsafeMutablePointer<Float>) -> Result) -> Result {
        let reused = free.withLock { entries -> Entry? in
            guard let index = entries.firstIndex(where: { $0.value.capacity >= count }) else { return nil }
            return entries.remove(at: index).value
        }
        let entry = reused ?? Entry(pointer: allocate(count), capacity: count)
        defer {
            let kept = free.withLock { entries -> Bool in
                guard entries.count < keep else { return false }
                entries.append(UncheckedSendable(entry))
                return true
            }
            if !kept { UnsafeMutableRawPointer(entry.pointer).deallocate() }
        }
        return body(entry.pointer)
    }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(count, 1))
    }
}
