import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How many threads Neurite's kernels use.
///
/// The default is the `NEURITE_NUM_THREADS` environment variable when it holds a positive
/// integer, else the number of online processors. Results never depend on it: work is split over
/// output rows and columns, never over a summation.
public enum Threading {
    private static let configured = Atomic<Int>(0)

    /// The most threads one kernel call uses (at least 1). Setting it affects later calls.
    public static var maximumThreads: Int {
        get {
            let value = configured.load(ordering: .relaxed)
            if value > 0 { return value }
            let detected = defaultThreadCount()
            configured.store(detected, ordering: .relaxed)
            return detected
        }
        set {
            precondition(newValue >= 1, "Threading.maximumThreads: \(newValue) is not a positive thread count")
            configured.store(newValue, ordering: .relaxed)
        }
    }

    /// `NEURITE_NUM_THREADS` if it is a positive integer, else the online processor count.
    public static func defaultThreadCount() -> Int {
        if let text = getenv("NEURITE_NUM_THREADS").map({ String(cString: $0) }),
            let value = Int(text.filter { !$0.isWhitespace }), value > 0
        {
            return value
        }
        return onlineProcessors
    }

    /// The processors online now (at least 1).
    public static var onlineProcessors: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// Splits work across threads.
public enum Parallel {
    /// Calls `body` with consecutive ranges that together cover `0..<count`, one range per worker,
    /// on up to `threads` threads at once (the calling thread and `WorkerPool`'s workers; only the
    /// calling thread when `threads` is 1). Which thread runs which range must not change what is
    /// computed.
    public static func forEachRange(
        _ count: Int, threads: Int = Threading.maximumThreads, _ body: (Range<Int>) -> Void
    ) {
        let workers = isSerial ? min(1, count) : min(max(threads, 1), count)
        if workers <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        let ran = WorkerPool.shared.run(taskCount: workers, threads: workers) { worker in
            body(count * worker / workers..<count * (worker + 1) / workers)
        }
        if !ran {
            // The pool is busy (a nested call, or another thread's): run here, in order.
            for worker in 0..<workers { body(count * worker / workers..<count * (worker + 1) / workers) }
        }
    }
}

extension Parallel {
    /// Runs `body` with every `forEachRange` it makes on this thread running on this thread alone
    /// (the same results: they never depend on the thread count). For work beside the training
    /// thread, such as a data loader preparing the next batch in the background: taking the worker
    /// pool there would leave the training thread's next product to run on one thread.
    public static func serially<Result>(_ body: () throws -> Result) rethrows -> Result {
        let outer = pthread_getspecific(serialKey)
        pthread_setspecific(serialKey, UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(serialKey, outer) }
        return try body()
    }

    /// Whether this thread is inside `serially`.
    static var isSerial: Bool { pthread_getspecific(serialKey) != nil }
}

/// The thread-specific flag of `Parallel.serially`.
private let serialKey: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key, nil)
    precondition(status == 0, "Parallel: cannot create a thread-specific key (error \(status))")
    return key
}()

/// Wraps a value that is safe to share across the threads of one `Parallel` call (a pointer into
/// disjoint ranges, a closure that only touches them).
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
