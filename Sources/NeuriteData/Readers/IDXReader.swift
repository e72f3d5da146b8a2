import NeuriteCore

/// The IDX format of MNIST and Fashion-MNIST: a 4-byte magic number (two zero bytes, a type code,
/// the number of dimensions), each dimension as a big-endian 32-bit integer, then the values in
/// row-major order. Files may be gzip-compressed.
public enum IDXReader {
    /// Reads an IDX file of unsigned bytes (type `0x08`, the only one MNIST uses) into a tensor of
    /// its shape, values 0…255 as `Float`.
    /// - Throws: `DataError` naming the file and byte offset for a missing file, corrupt or
    ///   truncated gzip data, a wrong magic number, an unsupported type, a shape whose size does
    ///   not match the data, or an implausibly large declared size.
    public static func read(_ path: String) throws(DataError) -> Tensor {
        try parse(FileBytes.read(path), file: path)
    }

    /// Parses IDX bytes (already decompressed).
    public static func parse(_ bytes: [UInt8], file: String) throws(DataError) -> Tensor {
        try parse(bytes, file: file, dividedBy: 1)
    }

    /// Parses IDX bytes into values divided by `divisor` as they are converted (`Float(byte) /
    /// divisor`, the same bits as dividing the tensor afterwards, without a second copy of it).
    static func parse(_ bytes: [UInt8], file: String, dividedBy divisor: Float) throws(DataError) -> Tensor {
        let (shape, headerSize) = try header(bytes, file: file)
        let count = bytes.count - headerSize
        return Tensor(unsafeUninitializedShape: shape) { buffer in
            if divisor == 1 {
                for i in 0..<count { buffer[i] = Float(bytes[headerSize + i]) }
            } else {
                for i in 0..<count { buffer[i] = Float(bytes[headerSize + i]) / divisor }
            }
        }
    }

    /// The shape an IDX file declares and where its data starts, checked against the bytes there
    /// are (the data is exactly the shape's size).
    static func header(_ bytes: [UInt8], file: String) throws(DataError) -> (shape: [Int], dataOffset: Int) {
        guard bytes.count >= 4 else {
            throw DataError(file: file, location: "byte 0", "expected a 4-byte IDX magic number, found \(bytes.count) bytes")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw DataError(
                file: file, location: "byte 0", "expected an IDX magic number starting with two zero bytes, found \(hex(bytes[0])) \(hex(bytes[1]))")
        }
        guard bytes[2] == 0x08 else {
            throw DataError(file: file, location: "byte 2", "expected IDX type 0x08 (unsigned bytes), found \(hex(bytes[2]))")
        }
        let rank = Int(bytes[3])
        guard rank >= 1 else { throw DataError(file: file, location: "byte 3", "expected at least one dimension, found 0") }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw DataError(
                file: file, location: "byte \(bytes.count)", "header declares \(rank) dimensions but the file ends after \(bytes.count) bytes")
        }
        var shape: [Int] = []
        var count = 1
        for axis in 0..<rank {
            let offset = 4 + 4 * axis
            let length = (Int(bytes[offset]) << 24) | (Int(bytes[offset + 1]) << 16) | (Int(bytes[offset + 2]) << 8) | Int(bytes[offset + 3])
            let (product, overflow) = count.multipliedReportingOverflow(by: length)
            guard !overflow else {
                throw DataError(file: file, location: "byte \(offset)", "dimensions \(shape + [length]) declare more values than can be counted")
            }
            shape.append(length)
            count = product
        }
        // Checked against the bytes actually present before anything is allocated.
        guard bytes.count - headerSize == count else {
            throw DataError(
                file: file, location: "byte \(headerSize)", "expected \(count) bytes of data for shape \(shape), found \(bytes.count - headerSize)")
        }
        return (shape, headerSize)
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }
}
