#if MPI
    import CMPI
    import Foundation
    import NeuriteTrain

    /// The ranks of an Open MPI job (`mpirun -np N program`): the `Communicator` of data-parallel
    /// training across processes and machines. Built only with the `MPI` package trait
    /// (`swift build --traits MPI`, with Debian's `libopenmpi-dev`).
    ///
    /// `MPICommunicator.world()` initialises MPI once per process; call `finalize()` before a
    /// successful exit and `abort(_:)` to end the whole job after a failure (Open MPI ends the
    /// job by itself when a rank dies). Collective calls come from the thread that initialised
    /// MPI. Sums are Open MPI's `MPI_Allreduce`, whose algorithms give every rank the same result
    /// and repeat it for the same number of ranks.
    public final class MPICommunicator: Communicator, @unchecked Sendable {
        public let rank: Int
        public let size: Int
        /// The most elements one MPI call carries (its counts are 32-bit).
        static let chunk = 1 << 30

        private init(rank: Int, size: Int) {
            self.rank = rank
            self.size = size
        }

        private nonisolated(unsafe) static var initialised: MPICommunicator?

        /// `MPI_COMM_WORLD`, initialising MPI on the first call (funnelled: other threads never
        /// call MPI).
        public static func world() -> MPICommunicator {
            if let initialised { return initialised }
            var provided: Int32 = 0
            let status = MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided)
            precondition(status == neurite_mpi_success(), "MPICommunicator: MPI_Init_thread failed (error \(status))")
            var rank: Int32 = 0, size: Int32 = 0
            MPI_Comm_rank(neurite_mpi_comm_world(), &rank)
            MPI_Comm_size(neurite_mpi_comm_world(), &size)
            let world = MPICommunicator(rank: Int(rank), size: Int(size))
            initialised = world
            return world
        }

        public func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) {
            forEachChunk(values.count) { start, count in
                check(MPI_Bcast(values.baseAddress! + start, count, neurite_mpi_float(), Int32(root), neurite_mpi_comm_world()), "MPI_Bcast")
            }
        }

        public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
            forEachChunk(values.count) { start, count in
                check(
                    MPI_Allreduce(
                        neurite_mpi_in_place(), values.baseAddress! + start, count, neurite_mpi_float(), neurite_mpi_sum(), neurite_mpi_comm_world()),
                    "MPI_Allreduce")
            }
        }

        public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {
            forEachChunk(values.count) { start, count in
                check(
                    MPI_Allreduce(
                        neurite_mpi_in_place(), values.baseAddress! + start, count, neurite_mpi_double(), neurite_mpi_sum(), neurite_mpi_comm_world()
                    ),
                    "MPI_Allreduce")
            }
        }

        public func barrier() { check(MPI_Barrier(neurite_mpi_comm_world()), "MPI_Barrier") }

        /// Ends MPI in this process; every rank calls it before a successful exit.
        public func finalize() { MPI_Finalize() }

        /// Prints `message` on standard error and ends every rank of the job with `code`.
        public func abort(_ message: String, code: Int32 = 1) -> Never {
            FileHandle.standardError.write(Data("\(message)\n".utf8))
            MPI_Abort(neurite_mpi_comm_world(), code)
            exit(code)
        }

        private func forEachChunk(_ count: Int, _ body: (Int, Int32) -> Void) {
            var start = 0
            while start < count {
                let length = min(Self.chunk, count - start)
                body(start, Int32(length))
                start += length
            }
        }

        private func check(_ status: Int32, _ operation: String) {
            if status != neurite_mpi_success() { abort("neurite: rank \(rank): \(operation) failed (MPI error \(status))") }
        }
    }
#endif
