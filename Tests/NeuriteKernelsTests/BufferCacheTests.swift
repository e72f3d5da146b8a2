import Testing

@testable import NeuriteKernels

@Suite struct BufferCacheTests {
    @Test func sizeClassesRoundUpByAtMostAQuarter() {
        let small = BufferCache.minimumCount - 1
        #expect(BufferCache.capacity(for: small) == small)
        #expect(BufferCache.capacity(for: 0) == 1)
        for count in [BufferCache.minimumCount, 100_000, 1 << 20, (1 << 20) + 1, 3_211_264, 7_225_344, 123_456_789] {
            let capacity = BufferCache.capacity(for: count)
            #expect(capacity >= count && Double(capacity) <= Double(count) * 1.25, "count \(count) → \(capacity)")
            // Requests of one class share a capacity.
            #expect(BufferCache.capacity(for: capacity) == capacity)
        }
        #expect(BufferCache.capacity(for: (1 << 20) + 1) == (1 << 20) + (1 << 18))
    }

    @Test func aFreedLargeBufferIsReusedByItsClass() {
        let cache = BufferCache(limit: 1 << 26)
        let count = 1 << 20
        let first = cache.allocate(count: count)
        first.update(repeating: 1, count: count)
        cache.deallocate(first, count: count)
        #expect(cache.cachedBytes == count * 4)
        // A slightly smaller request of the same class gets the same memory back.
        let second = cache.allocate(count: count - 100)
        #expect(second == first)
        #expect(cache.cachedBytes == 0)
        // Another class does not.
        let third = cache.allocate(count: 2 * count)
        #expect(third != first)
        cache.deallocate(second, count: count - 100)
        cache.deallocate(third, count: 2 * count)
        #expect(cache.cachedBytes == 3 * count * 4)
        cache.empty()
        #expect(cache.cachedBytes == 0)
    }

    /// Buffers of 8 MiB or more start on a 2 MiB boundary (where transparent huge pages can back
    /// them); smaller ones on a cache line. Both are usable to their last float and free cleanly.
    @Test func largeBuffersStartOnAHugePageBoundary() {
        let cache = BufferCache(limit: 0)
        for (count, alignment) in [(BufferCache.hugePageThreshold / 4, BufferCache.hugePageSize), (BufferCache.minimumCount, 64)] {
            let buffer = cache.allocate(count: count)
            #expect(Int(bitPattern: buffer) % alignment == 0, "\(count) floats")
            buffer.update(repeating: 3, count: count)
            #expect(buffer[count - 1] == 3)
            cache.deallocate(buffer, count: count)
        }
    }

    @Test func smallBuffersBypassTheCache() {
        let cache = BufferCache()
        let buffer = cache.allocate(count: 1000)
        buffer.update(repeating: 2, count: 1000)
        cache.deallocate(buffer, count: 1000)
        #expect(cache.cachedBytes == 0)
    }

    @Test func theLimitEvictsTheLeastRecentlyFreed() {
        let count = 1 << 20, bytes = count * 4
        let cache = BufferCache(limit: 2 * bytes)
        let buffers = (0..<3).map { _ in cache.allocate(count: count) }
        for buffer in buffers { cache.deallocate(buffer, count: count) }
        #expect(cache.cachedBytes == 2 * bytes)
        // The two most recently freed stay, the newest handed out first.
        #expect(cache.allocate(count: count) == buffers[2])
        #expect(cache.allocate(count: count) == buffers[1])
        #expect(cache.cachedBytes == 0)
        cache.deallocate(buffers[1], count: count)
        cache.deallocate(buffers[2], count: count)
        // A lower limit frees what no longer fits; 0 turns the cache off.
        cache.limit = bytes
        #expect(cache.cachedBytes == bytes)
        cache.limit = 0
        #expect(cache.cachedBytes == 0)
        let uncached = cache.allocate(count: count)
        cache.deallocate(uncached, count: count)
        #expect(cache.cachedBytes == 0)
    }

    @Test func aBufferLargerThanTheLimitIsFreed() {
        let cache = BufferCache(limit: 1 << 20)
        let count = 1 << 20
        let buffer = cache.allocate(count: count)
        cache.deallocate(buffer, count: count)
        #expect(cache.cachedBytes == 0)
    }
}
