import Foundation
import Neurite

/// `neurite train --distributed`: the MPI job this process is a rank of.
enum DistributedRun {
    /// The job's communicator.
    /// - Throws: when this `neurite` was built without the `MPI` trait.
    static func start() throws -> any Communicator {
        #if MPI
            return MPICommunicator.world()
        #else
            throw CommandError(
                "--distributed: this neurite was built without MPI; build it with `swift build -c release --traits MPI` (needs libopenmpi-dev) and start it with mpirun"
            )
        #endif
    }

    /// The communicator a `TimedCommunicator` times, or `communicator` itself.
    private static func unwrapped(_ communicator: any Communicator) -> any Communicator {
        (communicator as? TimedCommunicator)?.base ?? communicator
    }

    /// Ends MPI after a successful run (every rank).
    static func finish(_ communicator: any Communicator) {
        #if MPI
            (unwrapped(communicator) as? MPICommunicator)?.finalize()
        #endif
    }

    /// Ends every rank of the job after `error` on this one, with one line naming the rank.
    static func abort(_ communicator: any Communicator, after error: Error) -> Never {
        let message = "neurite: rank \(communicator.rank) of \(communicator.size): \(NeuriteCommand.oneLine(describing: error))"
        #if MPI
            if let world = unwrapped(communicator) as? MPICommunicator { world.abort(message) }
        #endif
        FileHandle.standardError.write(Data("\(message)\n".utf8))
        exit(1)
    }

    /// What every rank resumes from: rank 0 decides whether there is a checkpoint (`leader`'s
    /// answer) and the others read the same file, which must be there for them too (a shared
    /// file system).
    static func agreeOnCheckpoint(
        _ communicator: any Communicator, leader: TrainingCheckpoint?, path: String, resume: Bool
    ) throws -> TrainingCheckpoint? {
        var decision: [Float] = [leader == nil ? 0 : 1, Float(leader?.epoch ?? 0)]
        decision.withUnsafeMutableBufferPointer { communicator.broadcast($0, root: 0) }
        guard communicator.rank != 0 else { return leader }
        guard decision[0] == 1 else { return nil }
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandError(
                "\(path): rank 0 resumes from it but this rank cannot see it; --resume needs the output directory on a file system every rank shares")
        }
        let checkpoint = try TrainingCheckpoint.read(path)
        guard Float(checkpoint.epoch) == decision[1] else {
            throw CommandError(
                "\(path): this rank reads epoch \(checkpoint.epoch), rank 0 epoch \(Int(decision[1])); the ranks must share one output directory")
        }
        return checkpoint
    }
}

/// A communicator that counts the time and bytes of its sums (the gradients' all-reduce), for
/// the note `neurite train --distributed` prints at the end.
final class TimedCommunicator: Communicator, @unchecked Sendable {
    let base: any Communicator
    private(set) var reductions = 0
    private(set) var bytes = 0
    private(set) var seconds = 0.0

    init(_ base: any Communicator) { self.base = base }

    var rank: Int { base.rank }
    var size: Int { base.size }

    func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) { base.broadcast(values, root: root) }
    func barrier() { base.barrier() }

    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
        let start = DispatchTime.now().uptimeNanoseconds
        base.allReduceSum(values)
        seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        reductions += 1
        bytes += values.count * MemoryLayout<Float>.size
    }

    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) { base.allReduceSum(values) }

    /// "all-reduce of 0.94 MB per step: 1.20 ms per step (2 ranks)".
    func summary(steps: Int) -> String {
        let perStep = Double(bytes) / Double(max(steps, 1))
        return String(
            format: "data-parallel over %d ranks: all-reduce of %.2f MB per step, %.2f ms per step (%d steps)", size, perStep / 1e6,
            seconds * 1e3 / Double(max(steps, 1)), steps)
    }
}
