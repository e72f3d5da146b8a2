/// The Protocol Buffers wire format, written by hand for the few messages Neurite writes
/// (TensorBoard's events, ONNX models). Callers write fields in field-number order, as protobuf's
/// own encoders do; the single-value writers leave default values (0, empty) out, as proto3 does
/// and proto2 readers accept, while `repeatedInteger` and `repeatedFloat` write every element.
public struct ProtobufWriter {
    /// The message so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty message.
    public init() {}

    /// Wire types: varint, 64-bit, length-delimited, 32-bit.
    private enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    private mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private mutating func key(_ field: Int, _ type: WireType) { varint(UInt64(field) << 3 | type.rawValue) }

    private mutating func littleEndian<Value: FixedWidthInteger>(_ value: Value) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// An `int32`/`int64`/`enum` field (negative values as ten-byte varints, as protobuf does).
    public mutating func integer(_ field: Int, _ value: Int64) {
        guard value != 0 else { return }
        key(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    /// A `double` field.
    public mutating func double(_ field: Int, _ value: Double) {
        guard value != 0 || value.sign == .minus else { return }
        key(field, .fixed64)
        littleEndian(value.bitPattern)
    }

    /// A `float` field.
    public mutating func float(_ field: Int, _ value: Float) {
        guard value != 0 || value.sign == .minus else { return }
        key(field, .fixed32)
        littleEndian(value.bitPattern)
    }

    /// A `bytes` field.
    public mutating func bytes(_ field: Int, _ value: [UInt8]) {
        guard !value.isEmpty else { return }
        key(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A `string` field, UTF-8.
    public mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }

    /// An embedded message field, written even when empty (its presence can matter).
    public mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        body(&inner)
        key(field, .lengthDelimited)
        varint(UInt64(inner.bytes.count))
        bytes.append(contentsOf: inner.bytes)
    }

    /// An unpacked `repeated int64` field (proto2's default encoding): every element, zeros too.
    public mutating func repeatedInteger(_ field: Int, _ values: [Int64]) {
        for value in values {
            key(field, .varint)
            varint(UInt64(bitPattern: value))
        }
    }

    /// An unpacked `repeated float` field: every element.
    public mutating func repeatedFloat(_ field: Int, _ values: [Float]) {
        for value in values {
            key(field, .fixed32)
            littleEndian(value.bitPattern)
        }
    }

    /// A packed `repeated double` field.
    public mutating func packedDoubles(_ field: Int, _ values: [Double]) {
        guard !values.isEmpty else { return }
        key(field, .lengthDelimited)
        varint(UInt64(values.count * 8))
        for value in values { littleEndian(value.bitPattern) }
    }
}
