/// A field of a Protocol Buffers message as read off the wire, before its schema gives it a type.
public enum ProtobufField: Sendable {
    /// A varint (integers, enums, Booleans).
    case varint(UInt64)
    /// Eight little-endian bytes (`double`, `fixed64`).
    case fixed64(UInt64)
    /// Four little-endian bytes (`float`, `fixed32`).
    case fixed32(UInt32)
    /// Length-delimited bytes (strings, bytes, embedded messages, packed repeated fields).
    case bytes(ArraySlice<UInt8>)

    /// The value as a signed integer (`int64`, `int32`, `enum`), if a varint.
    public var integer: Int64? {
        if case .varint(let value) = self { return Int64(bitPattern: value) }
        return nil
    }

    /// The value as a `float`, if four bytes.
    public var float: Float? {
        if case .fixed32(let bits) = self { return Float(bitPattern: bits) }
        return nil
    }

    /// The value as a `double`, if eight bytes.
    public var double: Double? {
        if case .fixed64(let bits) = self { return Double(bitPattern: bits) }
        return nil
    }

    /// The bytes of a length-delimited field.
    public var data: ArraySlice<UInt8>? {
        if case .bytes(let bytes) = self { return bytes }
        return nil
    }

    /// The field as UTF-8 text, if length-delimited.
    public var string: String? { data.map { String(decoding: $0, as: UTF8.self) } }
}

/// A malformed message: where reading stopped and why.
public struct ProtobufError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What is wrong, with the byte offset.
    public let message: String
    /// An error saying `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// Reads the fields of one Protocol Buffers message, checking every length against the bytes
/// there are (a truncated or corrupted file is an error, never a crash or a huge allocation).
public enum ProtobufReader {
    /// The fields of `bytes`, in order, as (field number, value).
    /// - Throws: `ProtobufError` for a truncated varint or field, a length past the end, a
    ///   field number of 0, or a wire type protobuf does not define (groups are refused).
    public static func fields(_ bytes: ArraySlice<UInt8>) throws(ProtobufError) -> [(number: Int, value: ProtobufField)] {
        var fields: [(number: Int, value: ProtobufField)] = []
        var index = bytes.startIndex
        func varint() throws(ProtobufError) -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard index < bytes.endIndex else { throw ProtobufError("a varint runs past the end at byte \(index - bytes.startIndex)") }
                let byte = bytes[index]
                index += 1
                guard shift < 64 else { throw ProtobufError("a varint longer than 10 bytes at byte \(index - bytes.startIndex)") }
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
            }
        }
        func take(_ count: Int) throws(ProtobufError) -> ArraySlice<UInt8> {
            guard count >= 0, count <= bytes.endIndex - index else {
                throw ProtobufError("a field of \(count) bytes runs past the end at byte \(index - bytes.startIndex)")
            }
            defer { index += count }
            return bytes[index..<index + count]
        }
        func littleEndian(_ slice: ArraySlice<UInt8>) -> UInt64 { slice.reversed().reduce(0) { $0 << 8 | UInt64($1) } }
        while index < bytes.endIndex {
            let key = try varint()
            let number = Int(truncatingIfNeeded: key >> 3)
            guard number > 0, key >> 3 <= 536_870_911 else { throw ProtobufError("field number \(key >> 3) at byte \(index - bytes.startIndex)") }
            switch key & 7 {
            case 0: fields.append((number, .varint(try varint())))
            case 1: fields.append((number, .fixed64(littleEndian(try take(8)))))
            case 2:
                let length = try varint()
                guard length <= UInt64(Int.max) else { throw ProtobufError("a length of \(length) bytes") }
                fields.append((number, .bytes(try take(Int(length)))))
            case 5: fields.append((number, .fixed32(UInt32(littleEndian(try take(4))))))
            default: throw ProtobufError("wire type \(key & 7) of field \(number) at byte \(index - bytes.startIndex) is not supported")
            }
        }
        return fields
    }

    /// The elements of a repeated integer field, packed or not.
    public static func integers(_ values: [ProtobufField]) throws(ProtobufError) -> [Int64] {
        var result: [Int64] = []
        for value in values {
            switch value {
            case .varint(let raw): result.append(Int64(bitPattern: raw))
            case .bytes(let packed):
                var reader = ArraySlice(packed)
                while !reader.isEmpty {
                    var raw: UInt64 = 0, shift: UInt64 = 0
                    while true {
                        guard let byte = reader.first, shift < 64 else { throw ProtobufError("a packed varint is truncated") }
                        reader = reader.dropFirst()
                        raw |= UInt64(byte & 0x7F) << shift
                        if byte & 0x80 == 0 { break }
                        shift += 7
                    }
                    result.append(Int64(bitPattern: raw))
                }
            default: throw ProtobufError("an integer field holds a fixed-width value")
            }
        }
        return result
    }

    /// The elements of a repeated `float` field, packed or not.
    public static func floats(_ values: [ProtobufField]) throws(ProtobufError) -> [Float] {
        var result: [Float] = []
        for value in values {
            switch value {
            case .fixed32(let bits): result.append(Float(bitPattern: bits))
            case .bytes(let packed):
                guard packed.count % 4 == 0 else { throw ProtobufError("packed floats of \(packed.count) bytes") }
                var offset = packed.startIndex
                while offset < packed.endIndex {
                    result.append(Float(bitPattern: packed[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) }))
                    offset += 4
                }
            default: throw ProtobufError("a float field holds another wire type")
            }
        }
        return result
    }
}
