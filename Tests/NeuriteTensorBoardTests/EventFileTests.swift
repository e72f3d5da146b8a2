import Foundation
import NeuriteCore
import Testing

@testable import NeuriteTensorBoard

@Suite("TensorBoard event files")
struct EventFileTests {
    func bytes(hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    @Test func crc32cMatchesKnownVectors() {
        // RFC 3720's vectors and the common check value.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum(Array(0...31)) == 0x46DD_794E)
        #expect(CRC32C.masked([UInt8]()) == 0xA282_EAD8)
    }

    /// Byte for byte what TensorBoard's own protobuf classes serialise for the same events
    /// (generated with `event_pb2.Event(...).SerializeToString().hex()`, tensorboard 2.20).
    @Test func eventsEncodeAsTensorBoardsProtobufClassesDo() {
        #expect(EventRecord.fileVersion(wallTime: 1.5) == bytes(hex: "09000000000000f83f1a0d627261696e2e4576656e743a32"))
        let histogram = SummaryValue.Histogram(minimum: -1, maximum: 3, count: 4, sum: 4, sumOfSquares: 12, bucketLimits: [1, 3], counts: [3, 1])
        let event = EventRecord.summary(
            [
                .scalar(tag: "loss", value: 0.25), .image(tag: "picture", png: [0x89, 0x50, 0x4E, 0x47], width: 3, height: 2),
                .histogram(tag: "weights/0.weight", histogram), .text(tag: "hyperparameters", "| a | b |"),
            ], step: 3, wallTime: 2)
        let expected =
            "09000000000000004010032abb010a0b0a046c6f7373150000803e0a170a0770696374757265220c080210031803220489504e470a650a10776569676874732f302e7765696768742a5109000000000000f0bf1100000000000008401900000000000010402100000000000010402900000000000028403210000000000000f03f00000000000008403a100000000000000840000000000000f03f0a2c0a0f6879706572706172616d6574657273420f0807120042097c2061207c2062207c4a080a060a0474657874"
        #expect(event == bytes(hex: expected))
    }

    @Test func histogramsCountEveryValueOnce() {
        let histogram = SummaryValue.Histogram([-1, 0, 0.5, 1, 1, 3], buckets: 4)
        #expect(histogram.minimum == -1 && histogram.maximum == 3 && histogram.count == 6)
        #expect(histogram.bucketLimits == [0, 1, 2, 3] && histogram.counts == [1, 2, 2, 1])
        #expect(histogram.counts.reduce(0, +) == histogram.count)
        #expect(histogram.sum == 4.5 && histogram.sumOfSquares == 12.25)
        #expect(SummaryValue.Histogram([2, 2, 2]).counts == [3])
        #expect(SummaryValue.Histogram([]).counts.isEmpty)
    }

    /// The records of a TFRecord file, checking both checksums of each.
    static func records(of path: String) throws -> [[UInt8]] {
        let data = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        var records: [[UInt8]] = [], offset = 0
        func word<T: FixedWidthInteger>(_ type: T.Type, at position: Int) -> T {
            data[position..<position + MemoryLayout<T>.size].reversed().reduce(T(0)) { $0 << 8 | T($1) }
        }
        while offset < data.count {
            let length = Int(word(UInt64.self, at: offset))
            #expect(word(UInt32.self, at: offset + 8) == CRC32C.masked(data[offset..<offset + 8]))
            let body = Array(data[offset + 12..<offset + 12 + length])
            #expect(word(UInt32.self, at: offset + 12 + length) == CRC32C.masked(body))
            records.append(body)
            offset += 16 + length
        }
        #expect(offset == data.count)
        return records
    }

    @Test func aWriterFramesEachEventWithChecksums() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-tb-\(UUID().uuidString)/run").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try EventFileWriter(directory: directory, wallTime: 1.5)
        try writer.write([.scalar(tag: "loss", value: 0.5)], step: 1, wallTime: 2)
        #expect(writer.path.contains("/events.out.tfevents.1."))
        let records = try Self.records(of: writer.path)
        #expect(records == [EventRecord.fileVersion(wallTime: 1.5), EventRecord.summary([.scalar(tag: "loss", value: 0.5)], step: 1, wallTime: 2)])
    }

    @Test func anUnwritableDirectoryIsAnErrorNamingIt() {
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-tb-file-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8)))
        defer { try? FileManager.default.removeItem(atPath: blocker) }
        do {
            _ = try EventFileWriter(directory: "\(blocker)/run")
            Issue.record("a directory under a file was accepted")
        } catch {
            #expect(error.description.contains(blocker), "\(error)")
        }
    }
}
