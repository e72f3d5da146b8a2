import Foundation
import Neurite

/// A mistake in what the user asked for or gave the tool (a data set that does not fit the
/// model, an index out of range, a file that cannot be written): one line for standard error.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension NeuriteCommand {
    /// Why a file-system call failed, in a few words (`FileError.reason`).
    static func reason(_ error: Error) -> String { FileError.reason(error) }

    /// Creates `path` and its parents, or throws one line saying why not.
    static func createDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CommandError("\(path): exists and is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CommandError("\(path): cannot create the directory: \(reason(error))")
        }
    }
}
