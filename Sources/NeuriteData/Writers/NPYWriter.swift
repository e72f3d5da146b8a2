import Foundation
import NeuriteCore

/// Writes a tensor as a NumPy `.npy` file: version 1.0, little-endian float32 (`'<f4'`), C order,
/// the tensor's shape — what `numpy.load` reads and `NPYReader` reads back. The file appears
/// whole or not at all (written beside it, then renamed).
public enum NPYWriter {
    /// The bytes of `tensor` as an `.npy` file.
    public static func encode(_ tensor: Tensor) -> [UInt8] {
        let shape = tensor.shape.count == 1 ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        // The header ends in a newline and pads the preamble to a multiple of 64 bytes.
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] =
            [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 255), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
        bytes.reserveCapacity(bytes.count + 4 * tensor.scalarCount)
        for value in tensor.scalars { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        return bytes
    }

    /// Writes `tensor` to `path`.
    /// - Throws: `FileError` naming `path` when it cannot be written.
    public static func write(_ tensor: Tensor, to path: String) throws(FileError) {
        do {
            try Data(encode(tensor)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw FileError(file: path, "cannot write: \(FileError.reason(error))")
        }
    }
}
