import Foundation
import NeuriteCore
import _NeuriteProtobuf

/// Writes a TensorBoard event file: TFRecord framing (each record its length, the length's masked
/// CRC-32C, the bytes and their masked CRC-32C) around `Event` messages. The file is
/// `DIRECTORY/events.out.tfevents.SECONDS.HOST.neurite`, which TensorBoard finds by its
/// `tfevents` part; each `write` appends and flushes, so a run that stops leaves whole records.
public final class EventFileWriter {
    /// The event file's path.
    public let path: String
    private let handle: FileHandle

    /// Creates `directory` (and its parents) if needed and starts a new event file there.
    /// - Throws: `FileError` naming the directory or file when it cannot be made or written.
    public init(directory: String, wallTime: Double = Date().timeIntervalSince1970) throws(FileError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FileError(file: directory, "cannot make the TensorBoard directory: \(FileError.reason(error))")
        }
        let host = ProcessInfo.processInfo.hostName.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
        path = "\(directory)/events.out.tfevents.\(Int(wallTime)).\(host.isEmpty ? "localhost" : host).neurite"
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw FileError(file: path, "cannot create the TensorBoard event file")
        }
        self.handle = handle
        try append(EventRecord.fileVersion(wallTime: wallTime))
    }

    deinit { try? handle.close() }

    /// Appends an event holding `values` at `step`.
    public func write(_ values: [SummaryValue], step: Int, wallTime: Double = Date().timeIntervalSince1970) throws(FileError) {
        try append(EventRecord.summary(values, step: step, wallTime: wallTime))
    }

    /// One TFRecord around `event`.
    static func record(_ event: [UInt8]) -> [UInt8] {
        var length = [UInt8]()
        withUnsafeBytes(of: UInt64(event.count).littleEndian) { length.append(contentsOf: $0) }
        var record = length
        withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { record.append(contentsOf: $0) }
        record += event
        withUnsafeBytes(of: CRC32C.masked(event).littleEndian) { record.append(contentsOf: $0) }
        return record
    }

    private func append(_ event: [UInt8]) throws(FileError) {
        do {
            try handle.write(contentsOf: Self.record(event))
            try handle.synchronize()
        } catch {
            throw FileError(file: path, "cannot write the TensorBoard event file: \(FileError.reason(error))")
        }
    }
}
