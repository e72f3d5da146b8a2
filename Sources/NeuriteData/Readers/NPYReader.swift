import Foundation
import NeuriteCore

/// NumPy's `.npy` format (versions 1–3): the magic `\x93NUMPY`, a version, a header length, a
/// Python-literal header `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`, then the
/// data. Supported: little-endian float32 (`<f4`), float64 (`<f8`), int64 (`<i8`), int32
/// (`<i4`) and uint8 (`|u1`), in C order; values are converted to `Float`.
public enum NPYReader {
    /// Reads an `.npy` file (optionally gzip-compressed) into a tensor.
    /// - Throws: `DataError` naming the file and byte offset for a bad magic or version, a
    ///   malformed header, an unsupported type or Fortran order, or data whose size does not match.
    public static func read(_ path: String) throws(DataError) -> Tensor {
        try parse(FileBytes.read(path), file: path)
    }

    /// Parses `.npy` bytes.
    public static func parse(_ bytes: [UInt8], file: String) throws(DataError) -> Tensor {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw DataError(file: file, location: "byte 0", "expected the .npy magic \\x93NUMPY")
        }
        let major = bytes[6]
        guard (1...3).contains(major) else {
            throw DataError(file: file, location: "byte 6", "expected .npy version 1, 2 or 3, found \(major)")
        }
        let lengthSize = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthSize else {
            throw DataError(file: file, location: "byte 8", "file ends inside the header length")
        }
        var headerLength = 0
        for i in (0..<lengthSize).reversed() { headerLength = headerLength << 8 | Int(bytes[8 + i]) }
        let dataStart = 8 + lengthSize + headerLength
        guard dataStart <= bytes.count else {
            throw DataError(file: file, location: "byte 8", "header of \(headerLength) bytes runs past the end of the file (\(bytes.count) bytes)")
        }
        let header = String(decoding: bytes[(8 + lengthSize)..<dataStart], as: UTF8.self)
        let location = "byte \(8 + lengthSize)"
        guard let descr = value(of: "descr", in: header), let order = value(of: "fortran_order", in: header),
            let shapeText = value(of: "shape", in: header)
        else {
            throw DataError(
                file: file, location: location,
                "expected a header with 'descr', 'fortran_order' and 'shape', found \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard order == "False" else {
            throw DataError(file: file, location: location, "Fortran-order arrays are not supported; save with numpy.ascontiguousarray")
        }
        let elementSize: Int
        // Each element read in place as a little-endian integer of its size (one unaligned load,
        // not a byte at a time: a 10 MB file took 21 instructions per byte that way).
        let convert: (UnsafeRawPointer) -> Float
        switch descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) {
        case "<f4":
            elementSize = 4
            convert = { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
        case "<f8":
            elementSize = 8
            convert = { Float(Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)))) }
        case "<i8":
            elementSize = 8
            convert = { Float(Int64(littleEndian: $0.loadUnaligned(as: Int64.self))) }
        case "<i4":
            elementSize = 4
            convert = { Float(Int32(littleEndian: $0.loadUnaligned(as: Int32.self))) }
        case "|u1", "<u1":
            elementSize = 1
            convert = { Float($0.load(as: UInt8.self)) }
        case let other:
            throw DataError(file: file, location: location, "expected dtype <f4, <f8, <i8, <i4 or |u1, found \(other)")
        }
        let inner = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
        var shape: [Int] = []
        for part in inner.split(separator: ",") where !part.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let length = Int(part.trimmingCharacters(in: .whitespaces)), length >= 0 else {
                throw DataError(file: file, location: location, "expected a shape of non-negative integers, found (\(inner))")
            }
            shape.append(length)
        }
        var count = 1
        for length in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: length)
            guard !overflow, product <= bytes.count else {
                throw DataError(file: file, location: location, "shape \(shape) declares more values than the file holds")
            }
            count = product
        }
        guard bytes.count - dataStart == count * elementSize else {
            throw DataError(
                file: file, location: "byte \(dataStart)",
                "expected \(count * elementSize) bytes of data for shape \(shape), found \(bytes.count - dataStart)")
        }
        return Tensor(unsafeUninitializedShape: shape) { buffer in
            bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                for i in 0..<count { buffer[i] = convert(base + dataStart + i * elementSize) }
            }
        }
    }

    /// The text after `'key':` up to the next top-level comma (the shape tuple is kept whole).
    private static func value(of key: String, in header: String) -> String? {
        guard let keyRange = header.range(of: "'\(key)':") else { return nil }
        var depth = 0
        var result = ""
        for character in header[keyRange.upperBound...] {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if (character == "," && depth == 0) || character == "}" { break }
            result.append(character)
        }
        return result.trimmingCharacters(in: .whitespaces)
    }
}
