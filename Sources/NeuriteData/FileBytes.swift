import CZlib
import Foundation

/// Reading files that may be gzip-compressed.
enum FileBytes {
    /// The largest decompressed size accepted (a guard against decompression bombs): 2 GiB.
    static let maximumDecompressedSize = 2 << 30

    /// The bytes of the file at `path`, decompressed when they start with the gzip magic number.
    static func read(_ path: String, maximumSize: Int = maximumDecompressedSize) throws(DataError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw DataError(file: path, exists ? (isDirectory.boolValue ? "is a directory, not a file" : "cannot be read") : "no such file")
        }
        let bytes = [UInt8](data)
        if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
            return try gunzip(bytes, file: path, maximumSize: maximumSize)
        }
        return bytes
    }

    /// Decompresses gzip data (all members), refusing more than `maximumSize` bytes of output.
    static func gunzip(_ compressed: [UInt8], file: String, maximumSize: Int = maximumDecompressedSize) throws(DataError) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 32: detect gzip or zlib headers automatically.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError(file: file, "cannot start gzip decompression")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = compressed
        var status: Int32 = Z_OK
        let failure: DataError? = input.withUnsafeMutableBufferPointer { inputBuffer -> DataError? in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputBuffer.count)
            while true {
                let produced = chunk.withUnsafeMutableBufferPointer { chunkBuffer -> Int in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = uInt(chunkBuffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return chunkBuffer.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
                if output.count > maximumSize {
                    return DataError(file: file, "decompresses to more than \(maximumSize) bytes")
                }
                switch status {
                case Z_STREAM_END:
                    // Another gzip member may follow (concatenated files).
                    if stream.avail_in == 0 { return nil }
                    inflateReset(&stream)
                case Z_OK:
                    if stream.avail_in == 0 && produced == 0 {
                        return DataError(file: file, location: "byte \(compressed.count)", "gzip data ends early (truncated file)")
                    }
                case Z_BUF_ERROR:
                    return DataError(file: file, location: "byte \(compressed.count)", "gzip data ends early (truncated file)")
                default:
                    return DataError(file: file, location: "byte \(Int(stream.total_in))", "corrupt gzip data")
                }
            }
        }
        if let failure { throw failure }
        return output
    }
}
