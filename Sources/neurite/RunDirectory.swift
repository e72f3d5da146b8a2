import Foundation
import Neurite

/// The files of one `neurite train` run in its output directory, and the rule that a fresh run
/// never starts over an earlier one by accident.
struct RunDirectory {
    let directory: String
    var model: String { file("model.safetensors") }
    var checkpoint: String { file("checkpoint.safetensors") }
    var history: String { file("history.csv") }

    init(_ directory: String) { self.directory = directory }

    /// Creates the directory and returns the checkpoint to resume from, if any.
    ///
    /// - A fresh run (no `--resume`) into a directory that holds a model, checkpoint or history
    ///   is refused unless `overwrite`: the earlier run's checkpoint would be replaced after the
    ///   first epoch, even if the new run is then killed.
    /// - `--resume` without a checkpoint starts fresh and says so on standard error (a run killed
    ///   before its first checkpoint), so that a restart loop around `--resume` always works.
    func prepare(resume: Bool, overwrite: Bool) throws -> TrainingCheckpoint? {
        try NeuriteCommand.createDirectory(directory)
        let manager = FileManager.default
        if resume {
            guard manager.fileExists(atPath: checkpoint) else {
                NeuriteCommand.note("\(checkpoint): no checkpoint yet; starting a fresh run")
                return nil
            }
            return try TrainingCheckpoint.read(checkpoint)
        }
        let earlier = [model, checkpoint, history].filter { manager.fileExists(atPath: $0) }
        guard earlier.isEmpty || overwrite else {
            let names = earlier.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
            throw CommandError("\(directory): holds an earlier run (\(names)); pass --resume to continue it or --overwrite to replace it")
        }
        return nil
    }

    /// Removes the directory if it holds nothing (a run that failed before writing a file).
    func removeIfEmpty() {
        let manager = FileManager.default
        if let contents = try? manager.contentsOfDirectory(atPath: directory), contents.isEmpty {
            try? manager.removeItem(atPath: directory)
        }
    }

    private func file(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
}
