import Dispatch
import NeuriteKernels
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Threads and work splitting", .serialized)
struct ParallelTests {
    @Test func rangesCoverEveryIndexOnce() {
        for (count, threads) in [(0, 2), (1, 4), (7, 3), (100, 2), (5, 8)] {
            let hits = Mutex<[Int]>(Array(repeating: 0, count: count))
            Parallel.forEachRange(count, threads: threads) { range in
                hits.withLock { for i in range { $0[i] += 1 } }
            }
            #expect(hits.withLock { $0 } == Array(repeating: 1, count: count), "count \(count) threads \(threads)")
        }
    }

    @Test func nestedAndConcurrentCallsComplete() {
        // A call from inside a task, and calls from several threads at once, find the pool busy
        // and run on their own thread: every index is still covered exactly once.
        let total = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<50 {
                Parallel.forEachRange(4, threads: 2) { outer in
                    for _ in outer {
                        Parallel.forEachRange(3, threads: 2) { inner in total.add(inner.count, ordering: .relaxed) }
                    }
                }
            }
        }
        #expect(total.load(ordering: .relaxed) == 4 * 50 * 4 * 3)
    }

    @Test("inside Parallel.serially a split runs as one range on the calling thread, nested or not; outside it splits again")
    func seriallyKeepsWorkOnTheCallingThread() {
        @Sendable func ranges() -> [Range<Int>] {
            let seen = Mutex<[Range<Int>]>([])
            Parallel.forEachRange(10, threads: 3) { range in seen.withLock { $0.append(range) } }
            return seen.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
        }
        #expect(ranges().count == 3)
        let (inside, nested, afterNested) = Parallel.serially {
            let inside = ranges()
            let nested = Parallel.serially { ranges() }
            return (inside, nested, ranges())
        }
        #expect(inside == [0..<10] && nested == [0..<10] && afterNested == [0..<10])
        #expect(ranges().count == 3, "the flag is cleared on the way out")
        // On another thread the flag is its own.
        let other = Mutex<Int>(0)
        Parallel.serially {
            let done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                other.withLock { $0 = ranges().count }
                done.signal()
            }
            done.wait()
        }
        #expect(other.withLock { $0 } == 3)
        #expect(
            Parallel.serially { () -> Int in
                var zero = 0
                Parallel.forEachRange(0) { _ in zero += 1 }
                return zero
            } == 0)
    }

    @Test func manyBackToBackCallsOnThePool() {
        var sums = [Int](repeating: 0, count: 2)
        for round in 0..<2000 {
            let partial = Mutex<Int>(0)
            Parallel.forEachRange(2, threads: 2) { range in partial.withLock { $0 += range.count * round } }
            sums[round % 2] += partial.withLock { $0 }
        }
        #expect(sums[0] + sums[1] == 2 * (0..<2000).reduce(0, +))
    }

    @Test func threadCountComesFromTheEnvironmentOrTheSetting() {
        setenv("NEURITE_NUM_THREADS", " 3 ", 1)
        #expect(Threading.defaultThreadCount() == 3)
        setenv("NEURITE_NUM_THREADS", "zero", 1)
        #expect(Threading.defaultThreadCount() >= 1)
        unsetenv("NEURITE_NUM_THREADS")
        let saved = Threading.maximumThreads
        Threading.maximumThreads = 5
        #expect(Threading.maximumThreads == 5)
        Threading.maximumThreads = saved
    }

    @Test func sumsAreTheSameOnAnyThreadCount() {
        let values = (0..<300_001).map { Float(($0 * 37) % 1001) / 7 - 70 }
        let saved = Threading.maximumThreads
        defer { Threading.maximumThreads = saved }
        var results: [[Float]] = []
        for threads in [1, 2, 3] {
            Threading.maximumThreads = threads
            var output = [Float](repeating: 0, count: 3)
            var rows = [Float](repeating: 0, count: 3)
            var columns = [Float](repeating: 0, count: 1000)
            output.withUnsafeMutableBufferPointer { Reduction.sum(values, outer: 1, length: 300_000, inner: 1, into: $0.baseAddress!) }
            rows.withUnsafeMutableBufferPointer { Reduction.sum(values, outer: 3, length: 100_000, inner: 1, into: $0.baseAddress!) }
            columns.withUnsafeMutableBufferPointer { Reduction.sum(values, outer: 1, length: 300, inner: 1000, into: $0.baseAddress!) }
            results.append([output[0]] + rows + columns)
        }
        #expect(results[0] == results[1] && results[1] == results[2])
        let exact = values.prefix(300_000).reduce(0.0) { $0 + Double($1) }
        #expect(abs(Double(results[0][0]) - exact) <= abs(exact) * 1e-7)
    }
}
