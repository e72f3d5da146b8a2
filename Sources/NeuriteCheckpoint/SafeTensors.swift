import Foundation
import NeuriteCore

/// The element types of the safetensors format that Neurite reads (all converted to `Float`)
/// and, for `F32` and `I64`, writes.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    /// 64-bit float.
    case f64 = "F64"
    /// 32-bit float, Neurite's own type.
    case f32 = "F32"
    /// 16-bit IEEE float.
    case f16 = "F16"
    /// bfloat16.
    case bf16 = "BF16"
    /// 64-bit integer.
    case i64 = "I64"
    /// 32-bit integer.
    case i32 = "I32"
    /// 16-bit integer.
    case i16 = "I16"
    /// 8-bit integer.
    case i8 = "I8"
    /// 8-bit unsigned integer.
    case u8 = "U8"
    /// Boolean, one byte.
    case bool = "BOOL"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f64, .i64: 8
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .i8, .u8, .bool: 1
        }
    }
}

/// A safetensors file: named tensors and a string-to-string metadata map.
///
/// Layout: an 8-byte little-endian header length N, N bytes of JSON
/// `{"__metadata__": {…}, "name": {"dtype": "F32", "shape": […], "data_offsets": [begin, end]}, …}`
/// (padded with spaces), then the data, little-endian and row-major, offsets relative to its start.
///
/// Reading checks the whole header before touching the data: N at most 100,000,000 and within the
/// file, strict JSON without duplicate keys, known dtypes, non-negative shapes, and byte ranges
/// that match `count × size`, start at 0 and cover the data with no gap or overlap. So no file can
/// make the reader allocate more than the file holds or read outside it.
public struct SafeTensors: Sendable {
    /// A tensor with the element type it is stored as.
    public struct Entry: Sendable {
        /// The values, as float32.
        public var tensor: Tensor
        /// The type in the file.
        public var dtype: SafeTensorsDType
    }

    /// The tensors by name, with the dtype they were stored in.
    public var entries: [String: Entry]
    /// The file's `__metadata__`: strings only, as the format says.
    public var metadata: [String: String]

    /// The largest header read, in bytes (the reference implementation's limit).
    public static let maximumHeaderSize = 100_000_000

    /// A file's contents to write.
    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        entries = tensors.mapValues { Entry(tensor: $0, dtype: .f32) }
        self.metadata = metadata
    }

    /// The tensors by name.
    public var tensors: [String: Tensor] { entries.mapValues(\.tensor) }

    /// Adds or replaces a tensor, stored as `dtype` (`F32` or `I64`) when written.
    public mutating func set(_ name: String, _ tensor: Tensor, dtype: SafeTensorsDType = .f32) {
        precondition(dtype == .f32 || dtype == .i64, "SafeTensors: Neurite writes F32 and I64 only, not \(dtype.rawValue)")
        entries[name] = Entry(tensor: tensor.detached(), dtype: dtype)
    }

    // MARK: Reading

    /// Reads and validates the file at `path`.
    public static func read(_ path: String) throws(CheckpointError) -> SafeTensors {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError(file: path, FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
        return try parse([UInt8](data), file: path)
    }

    /// What a file that is not safetensors but is often mistaken for it is: `torch.save` writes a
    /// zip archive (since PyTorch 1.6) or, before that or with `_use_new_zipfile_serialization=False`,
    /// a bare pickle (protocol 2 starts with 0x80 0x02).
    static func foreignFormat(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "a zip archive (what torch.save writes)" }
        if bytes.count >= 2, bytes[0] == 0x80, (2...5).contains(bytes[1]) { return "a Python pickle (what torch.save writes)" }
        return nil
    }

    /// Parses and validates safetensors bytes.
    public static func parse(_ bytes: [UInt8], file: String) throws(CheckpointError) -> SafeTensors {
        if let format = foreignFormat(bytes) {
            throw CheckpointError(
                file: file,
                "this is \(format), not safetensors; in Python save the weights with "
                    + "safetensors.torch.save_file(model.state_dict(), \"model.safetensors\") and pass that file")
        }
        guard bytes.count >= 8 else {
            throw CheckpointError(file: file, location: "byte 0", "expected an 8-byte header length, the file has \(bytes.count) bytes")
        }
        var declared: UInt64 = 0
        for i in (0..<8).reversed() { declared = declared << 8 | UInt64(bytes[i]) }
        guard declared <= UInt64(maximumHeaderSize) else {
            throw CheckpointError(file: file, location: "byte 0", "header length \(declared) exceeds the limit of \(maximumHeaderSize) bytes")
        }
        let headerLength = Int(declared)
        guard 8 + headerLength <= bytes.count else {
            throw CheckpointError(
                file: file, location: "byte 0", "header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        guard headerLength > 0, bytes[8] == UInt8(ascii: "{") else {
            throw CheckpointError(file: file, location: "byte 8", "expected the JSON header to start with '{'")
        }
        let json: HeaderJSON
        do {
            json = try HeaderJSON.parse(Array(bytes[8..<(8 + headerLength)]))
        } catch {
            throw CheckpointError(file: file, location: "byte \(8 + error.offset)", "invalid header JSON: \(error.message)")
        }
        guard case .object(let members) = json else { throw CheckpointError(file: file, location: "byte 8", "expected a JSON object header") }
        let dataStart = 8 + headerLength, dataLength = bytes.count - dataStart
        var metadata: [String: String] = [:]
        var ranges: [(name: String, dtype: SafeTensorsDType, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in members {
            if name == "__metadata__" {
                guard case .object(let pairs) = value else {
                    throw CheckpointError(file: file, location: "__metadata__", "expected an object of strings")
                }
                for (key, item) in pairs {
                    guard case .string(let text) = item else {
                        throw CheckpointError(file: file, location: "__metadata__.\(key)", "expected a string value")
                    }
                    metadata[key] = text
                }
                continue
            }
            ranges.append(try describe(name, value, file: file))
        }
        // The ranges must tile the data exactly.
        ranges.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expectedBegin = 0
        for range in ranges {
            guard range.begin == expectedBegin else {
                throw CheckpointError(
                    file: file, location: range.name,
                    range.begin > expectedBegin
                        ? "data_offsets leave a gap: expected to begin at \(expectedBegin), found \(range.begin)"
                        : "data_offsets overlap the previous tensor: begin \(range.begin) is before \(expectedBegin)")
            }
            expectedBegin = range.end
        }
        guard expectedBegin == dataLength else {
            throw CheckpointError(
                file: file, location: "byte \(dataStart)", "tensors cover \(expectedBegin) bytes of data but the file holds \(dataLength)")
        }
        var entries: [String: Entry] = [:]
        for range in ranges {
            let count = range.shape.reduce(1, *)
            let start = dataStart + range.begin
            let tensor = Tensor(unsafeUninitializedShape: range.shape) { buffer in
                for i in 0..<count { buffer[i] = decode(bytes, at: start + i * range.dtype.size, range.dtype) }
            }
            entries[range.name] = Entry(tensor: tensor, dtype: range.dtype)
        }
        var result = SafeTensors()
        result.entries = entries
        result.metadata = metadata
        return result
    }

    private static func describe(_ name: String, _ value: HeaderJSON, file: String) throws(CheckpointError) -> (
        name: String, dtype: SafeTensorsDType, shape: [Int], begin: Int, end: Int
    ) {
        guard case .object(let fields) = value else {
            throw CheckpointError(file: file, location: name, "expected an object with dtype, shape and data_offsets")
        }
        var dtypeText: String?, shapeValues: [HeaderJSON]?, offsetValues: [HeaderJSON]?
        for (key, field) in fields {
            switch (key, field) {
            case ("dtype", .string(let text)): dtypeText = text
            case ("shape", .array(let items)): shapeValues = items
            case ("data_offsets", .array(let items)): offsetValues = items
            default: throw CheckpointError(file: file, location: name, "unexpected field '\(key)' or wrong type for it")
            }
        }
        guard let dtypeText, let shapeValues, let offsetValues else {
            throw CheckpointError(file: file, location: name, "expected dtype, shape and data_offsets")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeText) else {
            throw CheckpointError(
                file: file, location: name,
                "unsupported dtype \(dtypeText) (expected one of \(SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var shape: [Int] = [], count = 1
        for item in shapeValues {
            guard case .integer(let length) = item, length >= 0 else {
                throw CheckpointError(file: file, location: name, "shape must hold non-negative integers")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: length)
            guard !overflow else {
                throw CheckpointError(file: file, location: name, "shape \(shapeValues.count) dimensions overflow the element count")
            }
            shape.append(length)
            count = product
        }
        guard offsetValues.count == 2, case .integer(let begin) = offsetValues[0], case .integer(let end) = offsetValues[1], begin >= 0, begin <= end
        else {
            throw CheckpointError(file: file, location: name, "data_offsets must be [begin, end] with 0 ≤ begin ≤ end")
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.size)
        guard !overflow, end - begin == bytes else {
            throw CheckpointError(
                file: file, location: name,
                "shape \(shape) of \(dtype.rawValue) needs \(overflow ? "too many" : "\(bytes)") bytes, data_offsets give \(end - begin)")
        }
        return (name, dtype, shape, begin, end)
    }

    private static func decode(_ bytes: [UInt8], at offset: Int, _ dtype: SafeTensorsDType) -> Float {
        func integer(_ size: Int) -> UInt64 {
            var value: UInt64 = 0
            for i in (0..<size).reversed() { value = value << 8 | UInt64(bytes[offset + i]) }
            return value
        }
        switch dtype {
        case .f64: return Float(Double(bitPattern: integer(8)))
        case .f32: return Float(bitPattern: UInt32(integer(4)))
        case .f16: return halfToFloat(UInt16(integer(2)))
        case .bf16: return Float(bitPattern: UInt32(integer(2)) << 16)
        case .i64: return Float(Int64(bitPattern: integer(8)))
        case .i32: return Float(Int32(bitPattern: UInt32(integer(4))))
        case .i16: return Float(Int16(bitPattern: UInt16(integer(2))))
        case .i8: return Float(Int8(bitPattern: bytes[offset]))
        case .u8: return Float(bytes[offset])
        case .bool: return bytes[offset] != 0 ? 1 : 0
        }
    }

    /// IEEE half precision to `Float`, denormals, infinities and NaN included.
    static func halfToFloat(_ half: UInt16) -> Float {
        let sign: Float = half & 0x8000 != 0 ? -1 : 1
        let exponent = Int(half >> 10 & 0x1F), fraction = Float(half & 0x3FF)
        if exponent == 0 { return sign * fraction * 0x1p-24 }
        if exponent == 31 { return fraction == 0 ? sign * .infinity : .nan }
        return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
    }

    // MARK: Writing

    /// The file's bytes, laid out as the reference writer does: tensors ordered by dtype size
    /// (largest first), then name; the header lists `__metadata__` first, then the tensors in
    /// offset order, as compact JSON padded with spaces to a multiple of 8 bytes.
    public func serialized() -> [UInt8] {
        let ordered = entries.sorted { ($0.value.dtype.size, $1.key) > ($1.value.dtype.size, $0.key) }
        var header = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            parts.append(
                "\"__metadata__\":{"
                    + metadata.sorted { $0.key < $1.key }.map { "\(Self.quoted($0.key)):\(Self.quoted($0.value))" }.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, entry) in ordered {
            let length = entry.tensor.scalarCount * entry.dtype.size
            parts.append(
                "\(Self.quoted(name)):{\"dtype\":\"\(entry.dtype.rawValue)\",\"shape\":[\(entry.tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + length)]}"
            )
            offset += length
        }
        header += parts.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + headerBytes.count + offset)
        let length = UInt64(headerBytes.count)
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
        bytes += headerBytes
        for (_, entry) in ordered {
            for value in entry.tensor.scalars {
                switch entry.dtype {
                case .i64:
                    let integer = UInt64(bitPattern: Int64(value))
                    for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: integer >> (8 * UInt64(i)))) }
                default:
                    let bits = value.bitPattern
                    for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt32(i)))) }
                }
            }
        }
        return bytes
    }

    /// Writes the file atomically: a temporary file in the same directory is written, flushed
    /// and renamed over `path`, so a crash leaves either the old file or the new one.
    public func write(to path: String) throws(CheckpointError) {
        try AtomicFile.write(serialized(), to: path)
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
