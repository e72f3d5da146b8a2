import Foundation
import Testing

/// Hostile inputs against the `neurite` tool: every one must end with exit status 1 (or 64 for a
/// usage mistake), one line on standard error that names the problem, no signal, and no change to
/// a good run's files. CI runs it against the release build (`NEURITE_CLI`), where checks that
/// keep their message only in debug builds would show.
@Suite("neurite bad-input battery")
struct BadInputBatteryTests {
    struct Case: CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        /// Text the one line of standard error must contain.
        let expected: String
        var description: String { arguments.joined(separator: " ") }
    }

    /// The tool under test: `NEURITE_CLI` when set (CI points it at the release build), else the
    /// build beside the tests.
    func tool() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["NEURITE_CLI"] { return URL(fileURLWithPath: path) }
        return try ExampleTests().executable("neurite")
    }

    func run(_ arguments: [String]) throws -> (status: Int32, signalled: Bool, error: String) {
        let process = Process()
        process.executableURL = try tool()
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let error = Pipe()
        process.standardError = error
        try process.run()
        let data = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal, String(decoding: data, as: UTF8.self))
    }

    /// Batch normalisation cannot train on one sample: an epoch whose last batch would hold one
    /// sample drops it instead of stopping the run (40 samples: 32 for training, batches of 31).
    @Test func aLastBatchOfOneSampleIsDroppedWithBatchNormalisation() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-bn-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inputs = (0..<160).map { Float($0 % 7) / 7 }, labels = (0..<40).map { Float($0 % 2) }
        try #require(
            FileManager.default.createFile(
                atPath: "\(directory)/x.npy", contents: Data(BatteryFixtures.npy("<f4", shape: [40, 4], payload: BatteryFixtures.floats(inputs)))))
        try #require(
            FileManager.default.createFile(
                atPath: "\(directory)/y.npy", contents: Data(BatteryFixtures.npy("<f4", shape: [40], payload: BatteryFixtures.floats(labels)))))
        let result = try run([
            "train", "--dataset", "npy:\(directory)/x.npy,\(directory)/y.npy", "--validation-split", "0", "--hidden", "8", "--batch-norm",
            "--batch-size", "31", "--epochs", "2", "--quiet", "--output", "\(directory)/run",
        ])
        #expect(result.status == 0 && !result.signalled, "\(result.error)")
        #expect(FileManager.default.fileExists(atPath: "\(directory)/run/model.safetensors"))
    }

    @Test func everyBadInputGetsOneLineAndLeavesAGoodRunAlone() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-battery-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fixtures = try BatteryFixtures(directory: directory) { try self.run($0) }
        let before = try fixtures.goodRunContents()
        let copiedModel = FileManager.default.contents(atPath: "\(fixtures.copy)/model.safetensors")
        let cases = fixtures.cases
        #expect(cases.count >= 150)
        for item in cases {
            let result = try run(item.arguments)
            let lines = result.error.split(separator: "\n")
            #expect(!result.signalled, "\(item): killed by a signal: \(result.error)")
            #expect(result.status == item.status, "\(item): status \(result.status): \(result.error)")
            #expect(lines.count == 1, "\(item): \(lines.count) lines: \(result.error)")
            #expect(result.error.hasPrefix("neurite: ") && result.error.contains(item.expected), "\(item): \(result.error)")
        }
        // Every failing case writes (if at all) to a path named never…: nothing may be left there.
        let leftBehind = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("never") }
        #expect(leftBehind.isEmpty, "failed runs left \(leftBehind.sorted())")
        #expect(try fixtures.goodRunContents() == before, "a failing run changed the good run's files")
        #expect(FileManager.default.contents(atPath: "\(fixtures.copy)/model.safetensors") == copiedModel, "a failed run replaced a model")
    }
}

/// The files the battery feeds the tool: a good run (trained once, briefly) and broken copies of
/// models, descriptions, data sets and inputs.
struct BatteryFixtures {
    let directory: String
    var good: String { "\(directory)/good" }
    var model: String { "\(good)/model.safetensors" }
    /// A copy of the good run for the cases that pass `--overwrite`: its model must survive them.
    var copy: String { "\(directory)/copy" }

    init(directory: String, run: ([String]) throws -> (status: Int32, signalled: Bool, error: String)) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let trained = try run(["train", "--epochs", "1", "--hidden", "16", "--quiet", "--output", "\(directory)/good"])
        guard trained.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: trained.error]) }
        try writeFiles()
    }

    func path(_ name: String) -> String { "\(directory)/\(name)" }

    func write(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path(name))) }
    func write(_ name: String, bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: path(name))) }

    /// Every file of the good run, by name, for the byte-for-byte comparison.
    func goodRunContents() throws -> [String: Data] {
        var contents: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: good) {
            contents[name] = FileManager.default.contents(atPath: "\(good)/\(name)")
        }
        return contents
    }

    static func npy(_ descr: String, shape: [Int], payload: [UInt8]) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let length = UInt16(header.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + payload
    }

    static func floats(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

    static func dense(_ input: Int, _ output: Int) -> String { #"{"type":"Dense","config":{"in":\#(input),"out":\#(output)}}"# }
    static func layer(_ type: String, _ config: String = "{}", children: [String] = []) -> String {
        #"{"type":"\#(type)","config":\#(config),"children":[\#(children.joined(separator: ","))]}"#
    }
    static func sequential(_ children: [String]) -> String { layer("Sequential", children: children) }

    private func writeFiles() throws {
        let goodModel = [UInt8](FileManager.default.contents(atPath: model)!)
        try FileManager.default.copyItem(atPath: good, toPath: copy)
        // Models: broken in each way a file can be.
        try write("empty.safetensors", "")
        try write("text.safetensors", "this is not a model\n")
        try write("truncated.safetensors", bytes: Array(goodModel.prefix(goodModel.count / 2)))
        try write("headless.safetensors", bytes: Array(goodModel.prefix(12)))
        var nonFinite = goodModel
        for index in (nonFinite.count - 4)..<nonFinite.count { nonFinite[index] = 0xFF }
        try write("nan.safetensors", bytes: nonFinite)
        try write("pickle.pt", bytes: [0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 60))
        try write("pickle2.pt", bytes: [0x80, 0x02, 0x7D, 0x71, 0x00] + Array(repeating: 0x2E, count: 40))
        try FileManager.default.createDirectory(atPath: path("a-directory.safetensors"), withIntermediateDirectories: true)

        // Descriptions.
        let flatten = Self.layer("Flatten")
        try write("mlp.json", Self.sequential([flatten, Self.dense(64, 16), Self.layer("ReLU"), Self.dense(16, 10)]))
        try write("unchained.json", Self.sequential([flatten, Self.dense(64, 16), Self.layer("ReLU"), Self.dense(17, 10)]))
        try write("wrong-input.json", Self.sequential([flatten, Self.dense(65, 10)]))
        try write("wrong-classes.json", Self.sequential([flatten, Self.dense(64, 7)]))
        try write("huge.json", Self.sequential([flatten, Self.dense(64, 1_000_000_000_000), Self.dense(1_000_000_000_000, 10)]))
        try write("overflow.json", Self.sequential([flatten, Self.dense(Int.max / 2, Int.max / 2)]))
        try write("zero-width.json", Self.sequential([flatten, Self.dense(64, 0)]))
        try write("unknown-layer.json", Self.sequential([flatten, Self.layer("Conv9D")]))
        try write("not-json.json", "{\"type\": \"Sequential\", ")
        try write("array.json", "[1, 2, 3]")
        try write("not-sequential.json", Self.dense(64, 10))
        try write("softmax-axis.json", Self.sequential([flatten, Self.dense(64, 10), Self.layer("Softmax", #"{"axis":5}"#)]))
        try write(
            "residual-width.json",
            Self.sequential([
                flatten, Self.dense(64, 16), Self.layer("Residual", children: [Self.sequential([Self.dense(16, 8)])]), Self.dense(16, 10),
            ]))
        try write(
            "layernorm-shape.json", Self.sequential([flatten, Self.dense(64, 16), Self.layer("LayerNorm", #"{"shape":[15]}"#), Self.dense(16, 10)]))
        try write(
            "batchnorm-width.json", Self.sequential([flatten, Self.dense(64, 16), Self.layer("BatchNorm", #"{"features":12}"#), Self.dense(16, 10)]))
        // Convolutional ones, on the digits' [1, 8, 8] images (checked at evaluation's batch of 512).
        let pool = Self.layer("AdaptiveAvgPool2D", #"{"output_size":1}"#)
        func conv(_ input: Int, _ output: Int, kernel: Int, padding: Int) -> String {
            Self.layer("Conv2D", #"{"in":\#(input),"out":\#(output),"kernel":\#(kernel),"padding":\#(padding)}"#)
        }
        try write("conv-output.json", Self.sequential([conv(1, 200_000, kernel: 3, padding: 1), pool, flatten, Self.dense(200_000, 10)]))
        try write(
            "conv-unfold.json",
            Self.sequential([conv(1, 40_000, kernel: 3, padding: 1), conv(40_000, 8, kernel: 7, padding: 3), pool, flatten, Self.dense(8, 10)]))
        try write("conv-channels.json", Self.sequential([conv(3, 8, kernel: 3, padding: 1), pool, flatten, Self.dense(8, 10)]))
        try write("conv-kernel.json", Self.sequential([conv(1, 8, kernel: 9, padding: 0), pool, flatten, Self.dense(8, 10)]))
        try write("missing-field.json", Self.sequential([flatten, #"{"type":"Dense","config":{"in":64}}"#]))
        try write("wrong-type.json", Self.sequential([flatten, #"{"type":"Dense","config":{"in":"sixty-four","out":10}}"#]))

        // CSV data sets (label in the last column).
        let rows = (0..<40).map { "\($0 % 7),\($0 % 3),\(Double($0) / 10),\($0 % 2)" }
        try write("good.csv", rows.joined(separator: "\n") + "\n")
        for (name, label) in [("inf", "inf"), ("huge", "1e20"), ("billion", "1e9"), ("negative", "-1"), ("fraction", "1.5"), ("nan", "nan")] {
            try write("label-\(name).csv", (rows + ["1,2,3,\(label)"]).joined(separator: "\n") + "\n")
        }
        try write("one-class.csv", (0..<20).map { "\($0),\($0 * 2),0" }.joined(separator: "\n"))
        try write("two-rows.csv", "1,2,0\n3,4,1\n")
        try write("empty.csv", "")
        try write("header-only.csv", "a,b,label\n")
        try write("ragged.csv", (rows + ["1,2"]).joined(separator: "\n"))
        try write("typo.csv", (rows.prefix(10) + ["1,2x,3,0"] + rows.suffix(10)).joined(separator: "\n"))
        try write("wide.csv", (0..<20).map { i in (0..<65).map { _ in "0.5" }.joined(separator: ",") + ",\(i % 2)" }.joined(separator: "\n"))
        // Inputs for predict: rows of 64 features (the digits model's input), and wrong widths.
        let sixtyFour = (0..<64).map { _ in "0.25" }.joined(separator: ",")
        try write("inputs-63.csv", (0..<3).map { _ in (0..<63).map { _ in "0" }.joined(separator: ",") }.joined(separator: "\n"))
        try write("inputs-bad-cell.csv", [sixtyFour, sixtyFour.replacingOccurrences(of: "0.25", with: "x")].joined(separator: "\n"))
        try write("inputs-empty.csv", "")
        try write("inputs.txt", sixtyFour)

        // NumPy files.
        try write("x.npy", bytes: Self.npy("<f4", shape: [4, 64], payload: Self.floats(Array(repeating: 0.5, count: 256))))
        try write("x-wrong.npy", bytes: Self.npy("<f4", shape: [2, 10], payload: Self.floats(Array(repeating: 0.5, count: 20))))
        try write("x-empty.npy", bytes: Self.npy("<f4", shape: [0, 64], payload: []))
        try write("x-scalar.npy", bytes: Self.npy("<f4", shape: [], payload: Self.floats([1])))
        try write("y.npy", bytes: Self.npy("<f4", shape: [4], payload: Self.floats([0, 1, 0, 1])))
        try write("y-short.npy", bytes: Self.npy("<f4", shape: [3], payload: Self.floats([0, 1, 0])))
        try write("y-inf.npy", bytes: Self.npy("<f4", shape: [4], payload: Self.floats([0, 1, .infinity, 1])))
        try write("y-one-class.npy", bytes: Self.npy("<f4", shape: [4], payload: Self.floats([1, 1, 1, 1])))
        try write(
            "truncated.npy", bytes: Array(Self.npy("<f4", shape: [4, 64], payload: Self.floats(Array(repeating: 0.5, count: 256))).prefix(200)))

        // IDX directories: empty, and one whose labels are not 0…9.
        try FileManager.default.createDirectory(atPath: path("idx-empty"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: path("idx-bad"), withIntermediateDirectories: true)
        func idx(_ type: UInt8, _ shape: [Int], _ payload: [UInt8]) -> [UInt8] {
            [0, 0, type, UInt8(shape.count)] + shape.flatMap { withUnsafeBytes(of: UInt32($0).bigEndian, Array.init) } + payload
        }
        for split in ["train", "t10k"] {
            try write("idx-bad/\(split)-images-idx3-ubyte", bytes: idx(8, [2, 2, 2], Array(repeating: 7, count: 8)))
            try write("idx-bad/\(split)-labels-idx1-ubyte", bytes: idx(8, [2], [3, 200]))
        }

        // PNG images: a 3×2 grayscale one (the digits model takes 8×8) and a broken one.
        try write("wrong-size.png", bytes: Self.png(width: 3, height: 2))
        try write("broken.png", bytes: Array(Self.png(width: 8, height: 8).prefix(40)))

        // Runs: a directory with a corrupt checkpoint, a file where a directory should be.
        try FileManager.default.createDirectory(atPath: path("corrupt-run"), withIntermediateDirectories: true)
        try write("corrupt-run/checkpoint.safetensors", "garbage")
        try write("a-file", "not a directory")
    }

    /// A minimal 8-bit grayscale PNG (stored zlib blocks, correct CRCs).
    static func png(width: Int, height: Int) -> [UInt8] {
        func be(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
        func crc(_ bytes: [UInt8]) -> UInt32 {
            var value: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                value ^= UInt32(byte)
                for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
            }
            return ~value
        }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] { be(UInt32(data.count)) + Array(type.utf8) + data + be(crc(Array(type.utf8) + data)) }
        let raw: [UInt8] = (0..<height).flatMap { _ -> [UInt8] in [0] + [UInt8](repeating: 128, count: width) }
        var adler = (UInt32(1), UInt32(0))
        for byte in raw { adler = ((adler.0 + UInt32(byte)) % 65521, (adler.1 + (adler.0 + UInt32(byte)) % 65521) % 65521) }
        let length = UInt16(raw.count)
        let lengthBytes: [UInt8] = [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
        let zlib: [UInt8] = [0x78, 0x01, 0x01] + lengthBytes + raw + be(adler.1 << 16 | adler.0)
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        return signature + chunk("IHDR", be(UInt32(width)) + be(UInt32(height)) + [8, 0, 0, 0, 0])
            + chunk("IDAT", zlib) + chunk("IEND", [])
    }
}
