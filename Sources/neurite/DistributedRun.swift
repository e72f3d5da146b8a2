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

    /// Ends MPI after a successful run (every rank).
    static func finish(_ communicator: any Communicator) {
        #if MPI
            (communicator as? MPICommunicator)?.finalize()
        #endif
    }

    /// Ends every rank of the job after `error` on this one, with one line naming the rank.
    static func abort(_ communicator: any Communicator, after error: Error) -> Never {
        let message = "neurite: rank \(communicator.rank) of \(communicator.size): \(NeuriteCommand.oneLine(describing: error))"
        #if MPI
            if let world = communicator as? MPICommunicator { world.abort(message) }
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
