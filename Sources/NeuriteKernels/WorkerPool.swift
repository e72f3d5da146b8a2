import CNeuriteSIMD
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The threads that run the tasks of a `Parallel` call together with the calling thread.
///
/// Waking a sleeping thread costs tens of microseconds, as much as a whole mid-sized product. So
/// an idle worker spins for a short while (`spinWindow`) before it sleeps, and the back-to-back
/// calls of a training step find it awake. Tasks are claimed from a shared counter; what a task
/// computes never depends on which thread runs it.
///
/// One call runs at a time: a call made while the pool is busy (from another thread, or from
/// inside a task) returns `false` and the caller runs its tasks itself.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// How long an idle worker spins before sleeping, in nanoseconds.
    static let spinWindow: UInt64 = 200_000

    /// The tasks of one call.
    final class Job: @unchecked Sendable {
        let taskCount: Int
        let maximumParticipants: Int
        /// Cleared once every task has finished, so the caller's closure does not outlive the call.
        var body: ((Int) -> Void)?
        let participants = Atomic<Int>(1)  // the caller
        let nextTask = Atomic<Int>(0)
        let finishedTasks = Atomic<Int>(0)

        init(taskCount: Int, maximumParticipants: Int, body: @escaping (Int) -> Void) {
            self.taskCount = taskCount
            self.maximumParticipants = maximumParticipants
            self.body = body
        }

        /// Runs unclaimed tasks until none is left.
        func work() {
            while true {
                let task = nextTask.wrappingAdd(1, ordering: .relaxed).oldValue
                if task >= taskCount { return }
                body!(task)
                finishedTasks.wrappingAdd(1, ordering: .releasing)
            }
        }
    }

    private let busy = Atomic<Bool>(false)
    private let generation = Atomic<Int>(0)
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Guarded by `lock`.
    private var current: Job?
    private var sleepers = 0
    /// Changed only by the caller that holds `busy`.
    private var workerCount = 0

    private init() {
        pthread_mutex_init(lock, nil)
        pthread_cond_init(wake, nil)
    }

    /// Runs `body(task)` for every task in `0..<taskCount` on the calling thread and up to
    /// `threads − 1` workers, and returns when all have finished; `false` (and nothing run) when
    /// the pool is busy.
    func run(taskCount: Int, threads: Int, _ body: (Int) -> Void) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        startWorkers(upTo: threads - 1)
        withoutActuallyEscaping(body) { body in
            let job = Job(taskCount: taskCount, maximumParticipants: threads, body: body)
            pthread_mutex_lock(lock)
            current = job
            generation.wrappingAdd(1, ordering: .releasing)
            if sleepers > 0 { pthread_cond_broadcast(wake) }
            pthread_mutex_unlock(lock)

            job.work()
            var spins = 0
            while job.finishedTasks.load(ordering: .acquiring) < taskCount {
                spins += 1
                if spins < 4096 { neurite_cpu_relax() } else { sched_yield() }
            }
            job.body = nil
            pthread_mutex_lock(lock)
            current = nil
            pthread_mutex_unlock(lock)
        }
        return true
    }

    private func startWorkers(upTo count: Int) {
        while workerCount < count {
            workerCount += 1
            let context = Unmanaged.passRetained(self).toOpaque()
            var thread = pthread_t()
            #if canImport(Darwin)
                let status = pthread_create(
                    &thread, nil,
                    { context in
                        Unmanaged<WorkerPool>.fromOpaque(context).takeRetainedValue().workerLoop()
                    }, context)
            #else
                let status = pthread_create(
                    &thread, nil,
                    { context in
                        Unmanaged<WorkerPool>.fromOpaque(context!).takeRetainedValue().workerLoop()
                    }, context)
            #endif
            precondition(status == 0, "WorkerPool: cannot start a thread (error \(status))")
            pthread_detach(thread)
        }
    }

    private func workerLoop() -> Never {
        var seen = generation.load(ordering: .acquiring)
        while true {
            waitForNewGeneration(after: seen)
            pthread_mutex_lock(lock)
            let job = current
            seen = generation.load(ordering: .acquiring)
            pthread_mutex_unlock(lock)
            if let job, job.participants.wrappingAdd(1, ordering: .relaxed).oldValue < job.maximumParticipants {
                job.work()
            }
        }
    }

    /// Spins for `spinWindow`, then sleeps until the generation moves past `seen`.
    private func waitForNewGeneration(after seen: Int) {
        let start = DispatchTime.now().uptimeNanoseconds
        var spins = 0
        while generation.load(ordering: .acquiring) == seen {
            spins += 1
            if spins & 255 != 0 {
                neurite_cpu_relax()
                continue
            }
            if DispatchTime.now().uptimeNanoseconds - start < Self.spinWindow { continue }
            pthread_mutex_lock(lock)
            sleepers += 1
            while generation.load(ordering: .acquiring) == seen { pthread_cond_wait(wake, lock) }
            sleepers -= 1
            pthread_mutex_unlock(lock)
        }
    }
}
