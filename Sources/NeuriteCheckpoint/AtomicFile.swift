import Foundation

/// Writes files so that a crash or kill at any moment leaves the previous version intact.
enum AtomicFile {
    /// Writes `bytes` to a temporary file next to `path`, flushes it to disk, then renames it
    /// over `path` (an atomic replacement on POSIX file systems).
    static func write(_ bytes: [UInt8], to path: String) throws(CheckpointError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CheckpointError(file: path, "cannot create a file in \(url.deletingLastPathComponent().path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: Data(bytes))
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CheckpointError(file: path, "cannot write: \(error.localizedDescription)")
        }
        guard rename(temporary.path, path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CheckpointError(file: path, "cannot replace the file (error \(errno))")
        }
    }
}
