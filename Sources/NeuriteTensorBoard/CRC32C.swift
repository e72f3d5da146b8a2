/// CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78), which TFRecord files use,
/// and the masking TensorFlow applies to checksums stored next to the data they cover.
enum CRC32C {
    /// The byte-at-a-time table of the reflected polynomial.
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// The CRC-32C of `bytes` (`"123456789"` gives 0xE3069283).
    static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// TensorFlow's masked checksum: rotated right by 15 bits plus 0xA282EAD8, so that a CRC of
    /// data that holds CRCs is not degenerate.
    static func masked<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
