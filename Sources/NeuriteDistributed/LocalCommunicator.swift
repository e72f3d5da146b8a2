import Foundation
import NeuriteTrain

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ranks that are threads of one process: the `Communicator` for trying data-parallel training
/// without MPI, and for testing it. `LocalCommunicator.run(ranks:_:)` starts one thread per rank.
///
/// Sums are taken in rank order (rank 0's value, plus rank 1's, …) by every rank, so all ranks get
/// the same bits, and a run repeats exactly.
public final class LocalCommunicator: Communicator, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    private let group: LocalGroup

    private init(rank: Int, group: LocalGroup) {
        self.rank = rank
        self.size = group.size
        self.group = group
    }

    /// Runs `body` once per rank, each on its own thread with its rank's communicator, and
    /// returns the results in rank order once all have finished.
    /// - Precondition: `ranks` ≥ 1. Every rank must make the same collective calls, or the
    ///   others wait for ever.
    public static func run<Result: Sendable>(ranks: Int, _ body: @escaping @Sendable (LocalCommunicator) -> Result) -> [Result] {
        precondition(ranks >= 1, "LocalCommunicator.run: \(ranks) ranks; at least 1")
        let group = LocalGroup(size: ranks)
        let results = ResultSlots<Result>(count: ranks)
        let finished = DispatchGroup()
        for rank in 0..<ranks {
            finished.enter()
            let communicator = LocalCommunicator(rank: rank, group: group)
            let thread = Thread {
                results.set(rank, body(communicator))
                finished.leave()
            }
            // Training's recursion (autograd over deep graphs) wants more than the default.
            thread.stackSize = 16 << 20
            thread.start()
        }
        finished.wait()
        return results.values
    }

    public func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) {
        precondition((0..<size).contains(root), "LocalCommunicator.broadcast: root \(root) is not a rank of \(size)")
        group.publish(UnsafeMutableRawPointer(values.baseAddress), count: values.count, rank: rank)
        if rank != root, let source = group.slot(root, count: values.count, operation: "broadcast") {
            values.baseAddress!.update(from: source.assumingMemoryBound(to: Float.self), count: values.count)
        }
        group.wait()
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) { reduce(values) }
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) { reduce(values) }

    private func reduce<Element: FloatingPoint>(_ values: UnsafeMutableBufferPointer<Element>) {
        group.publish(UnsafeMutableRawPointer(values.baseAddress), count: values.count, rank: rank)
        var sum = [Element](repeating: 0, count: values.count)
        for source in 0..<size {
            guard let pointer = group.slot(source, count: values.count, operation: "allReduceSum") else { continue }
            let other = pointer.assumingMemoryBound(to: Element.self)
            for i in 0..<values.count { sum[i] = source == 0 ? other[i] : sum[i] + other[i] }
        }
        // Every rank has read every buffer before any is overwritten.
        group.wait()
        for i in 0..<values.count { values[i] = sum[i] }
    }

    public func barrier() { group.wait() }
}

/// The shared state of one group of local ranks: a reusable barrier and each rank's published
/// buffer.
private final class LocalGroup: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var arrived = 0
    private var generation = 0
    private var slots: [(pointer: UnsafeMutableRawPointer?, count: Int)]

    init(size: Int) {
        self.size = size
        slots = Array(repeating: (nil, 0), count: size)
    }

    /// Puts `rank`'s buffer where the others can read it, then waits for all ranks.
    func publish(_ pointer: UnsafeMutableRawPointer?, count: Int, rank: Int) {
        condition.lock()
        slots[rank] = (pointer, count)
        condition.unlock()
        wait()
    }

    /// Rank `rank`'s published buffer (nil when empty), which must hold `count` elements.
    func slot(_ rank: Int, count: Int, operation: String) -> UnsafeMutableRawPointer? {
        condition.lock()
        let (pointer, published) = slots[rank]
        condition.unlock()
        precondition(published == count, "LocalCommunicator.\(operation): rank \(rank) has \(published) elements, this rank \(count)")
        return count == 0 ? nil : pointer
    }

    /// Returns once all ranks have called it (as many times).
    func wait() {
        condition.lock()
        defer { condition.unlock() }
        let mine = generation
        arrived += 1
        if arrived == size {
            arrived = 0
            generation += 1
            condition.broadcast()
            return
        }
        while generation == mine { condition.wait() }
    }
}

/// The results of the ranks' threads.
private final class ResultSlots<Result>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [Result] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
