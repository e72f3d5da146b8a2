import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteNN
import Testing
import _NeuriteTestSupport

func fixture(named name: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "safetensors"))
    return [UInt8](try Data(contentsOf: url))
}

/// A safetensors file from a raw header and data (for hand-made, possibly invalid, files).
func safetensors(header: String, data: [UInt8]) -> [UInt8] {
    var headerBytes = Array(header.utf8)
    while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
    let length = UInt64(headerBytes.count)
    return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + headerBytes + data
}

@Suite("safetensors")
struct SafeTensorsTests {
    @Test func referenceSamplesLoadWithTheirValues() throws {
        let tiny = try SafeTensors.parse(try fixture(named: "tiny"), file: "tiny.safetensors")
        #expect(tiny.tensors["a"] == Tensor([1, 2]))
        #expect(tiny.tensors["b"] == Tensor([1, 2, 3]) && tiny.entries["b"]?.dtype == .i64)
        #expect(tiny.tensors["c"] == Tensor([1.5], shape: [1, 1]) && tiny.entries["c"]?.dtype == .f16)
        let demo = try SafeTensors.parse(try fixture(named: "demo"), file: "demo.safetensors")
        #expect(demo.metadata == ["format": "pt", "note": "demo"])
        #expect(demo.tensors["0.weight"]?.shape == [2, 3] && demo.tensors["2.num_batches_tracked"]?.shape == [])
    }

    @Test func writerReproducesTheReferenceBytes() throws {
        let original = try fixture(named: "demo")
        let demo = try SafeTensors.parse(original, file: "demo.safetensors")
        #expect(demo.serialized() == original)
    }

    @Test func everyReadableDTypeConverts() throws {
        let cases: [(String, [UInt8], [Float])] = [
            ("F64", [0, 0, 0, 0, 0, 0, 0xF8, 0x3F], [1.5]),
            ("F32", [0, 0, 0xC0, 0xBF], [-1.5]),
            ("F16", [0x00, 0x3E, 0x00, 0x7C, 0x01, 0x00], [1.5, .infinity, 5.9604645e-08]),
            ("BF16", [0xC0, 0x3F], [1.5]),
            ("I64", [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [-2]),
            ("I32", [7, 0, 0, 0], [7]),
            ("I16", [0xFF, 0xFF], [-1]),
            ("I8", [0x80], [-128]),
            ("U8", [0xFF], [255]),
            ("BOOL", [0, 1], [0, 1]),
        ]
        for (dtype, data, expected) in cases {
            let header = "{\"x\":{\"dtype\":\"\(dtype)\",\"shape\":[\(expected.count)],\"data_offsets\":[0,\(data.count)]}}"
            let file = try SafeTensors.parse(safetensors(header: header, data: data), file: dtype)
            #expect(file.tensors["x"]?.scalars == expected, "\(dtype)")
        }
    }

    @Test func writtenFilesRoundTripExactly() throws {
        var file = SafeTensors(metadata: ["neurite": "test", "quote\"d": "line\nbreak"])
        var generator = PhiloxGenerator(seed: 3)
        file.set("w", Tensor.normal([3, 5], generator: &generator))
        file.set("scalar", Tensor(2.5))
        file.set("empty", Tensor.zeros([0, 4]))
        file.set("count", Tensor(12345), dtype: .i64)
        // A directory of its own, so that the check for leftovers sees this write only.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("file.safetensors").path
        try file.write(to: path)
        let read = try SafeTensors.read(path)
        #expect(read.metadata == file.metadata)
        for (name, entry) in file.entries {
            #expect(read.entries[name]?.tensor == entry.tensor && read.entries[name]?.dtype == entry.dtype, "\(name)")
        }
        #expect(read.serialized() == file.serialized())
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["file.safetensors"], "no temporary file left behind")
    }

    @Test func invalidHeadersAreReportedPrecisely() {
        let f32x2: [UInt8] = [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]
        func parse(_ header: String, _ data: [UInt8] = f32x2) throws { _ = try SafeTensors.parse(safetensors(header: header, data: data), file: "f") }
        expectError(containing: "f: byte 0: expected an 8-byte header length") { _ = try SafeTensors.parse([1, 2, 3], file: "f") }
        expectError(containing: "header length 18446744073709551615 exceeds the limit") {
            _ = try SafeTensors.parse(Array(repeating: 0xFF, count: 16), file: "f")
        }
        expectError(containing: "header length 64 runs past the end of the file") {
            _ = try SafeTensors.parse([64, 0, 0, 0, 0, 0, 0, 0, 0x7B], file: "f")
        }
        expectError(containing: "expected the JSON header to start with '{'") { try parse("[1]") }
        expectError(containing: "duplicate key \"a\"") {
            try parse(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}")
        }
        expectError(containing: "f: a: unsupported dtype F128") { try parse("{\"a\":{\"dtype\":\"F128\",\"shape\":[2],\"data_offsets\":[0,8]}}") }
        expectError(containing: "f: a: shape [3] of F32 needs 12 bytes, data_offsets give 8") {
            try parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}")
        }
        expectError(containing: "f: b: data_offsets leave a gap") { try parse("{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}") }
        expectError(containing: "data_offsets overlap") {
            try parse(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}")
        }
        expectError(containing: "tensors cover 4 bytes of data but the file holds 8") {
            try parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}")
        }
        expectError(containing: "__metadata__.k: expected a string value") {
            try parse("{\"__metadata__\":{\"k\":1},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}")
        }
        expectError(containing: "shape must hold non-negative integers") {
            try parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}")
        }
        expectError(containing: "needs too many bytes") {
            try parse("{\"a\":{\"dtype\":\"F64\",\"shape\":[4611686018427387904],\"data_offsets\":[0,8]}}")
        }
        expectError(containing: "invalid header JSON") { try parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}") }
        expectError(containing: "nesting deeper than 16") {
            try parse(String(repeating: "{\"a\":", count: 20) + "1" + String(repeating: "}", count: 20))
        }
    }

    @Test func thousandsOfCorruptedFilesLoadOrThrowButNeverCrash() throws {
        // Seeded random corruptions of valid files: flipped bytes, truncations, extensions and
        // rewritten header lengths. Each must parse or throw a CheckpointError.
        let samples = [try fixture(named: "demo"), try fixture(named: "tiny"), try fixture(named: "torch_layout")]
        var generator = PhiloxGenerator(seed: 2024)
        var loaded = 0, rejected = 0
        for trial in 0..<3000 {
            var bytes = samples[trial % samples.count]
            switch Int.random(in: 0..<4, using: &generator) {
            case 0:
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            case 1: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            case 2: bytes += (0..<Int.random(in: 1...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            default:
                let length = UInt64.random(in: 0...UInt64(bytes.count + 16), using: &generator)
                for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(i))) }
            }
            do {
                _ = try SafeTensors.parse(bytes, file: "variant \(trial)")
                loaded += 1
            } catch {
                rejected += 1
            }
        }
        #expect(loaded + rejected == 3000)
        #expect(rejected > 1000 && loaded > 0, "loaded \(loaded), rejected \(rejected)")
    }
}
