import Foundation
import Testing

/// What `neurite` does where a run meets an earlier one, where a run diverges, and what `predict`
/// writes for each kind of model: the behaviour around the errors the battery checks.
@Suite("neurite runs and outputs")
struct RunSafetyTests {
    let examples = ExampleTests()

    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("neurite-runs-\(UUID().uuidString)").path
    }

    @Test func aFreshRunNeedsOverwriteAndResumeWithoutACheckpointStartsFresh() throws {
        let directory = temporaryDirectory(), fresh = temporaryDirectory()
        defer { for path in [directory, fresh] { try? FileManager.default.removeItem(atPath: path) } }
        let first = try examples.run("neurite", ["train", "--epochs", "1", "--hidden", "16", "--quiet", "--output", directory])
        #expect(first.status == 0, "\(first.error)")
        let model = try #require(FileManager.default.contents(atPath: "\(directory)/model.safetensors"))

        let refused = try examples.run("neurite", ["train", "--epochs", "1", "--quiet", "--output", directory])
        #expect(refused.status == 1)
        #expect(refused.error.contains("holds an earlier run") && refused.error.contains("--overwrite"), "\(refused.error)")

        // A run that diverges exits non-zero with the reason, under --quiet too, and keeps the model.
        let diverged = try examples.run(
            "neurite", ["train", "--epochs", "1", "--learning-rate", "1e30", "--quiet", "--overwrite", "--output", directory])
        #expect(diverged.status == 1)
        #expect(diverged.error.hasPrefix("neurite: ") && diverged.error.contains("diverged"), "\(diverged.error)")
        #expect(diverged.output.isEmpty, "a diverged run printed a result: \(diverged.output)")
        #expect(FileManager.default.contents(atPath: "\(directory)/model.safetensors") == model)

        let replaced = try examples.run("neurite", ["train", "--epochs", "1", "--seed", "7", "--quiet", "--overwrite", "--output", directory])
        #expect(replaced.status == 0, "\(replaced.error)")
        #expect(FileManager.default.contents(atPath: "\(directory)/model.safetensors") != model)

        // `--resume` in a directory with no checkpoint yet: a fresh run, said on standard error.
        let resumed = try examples.run("neurite", ["train", "--epochs", "1", "--quiet", "--resume", "--output", fresh])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.error.contains("no checkpoint yet; starting a fresh run"), "\(resumed.error)")
        #expect(FileManager.default.fileExists(atPath: "\(fresh)/model.safetensors"))
    }

    /// Probabilities by default for a classifier, not normalised twice for one that ends in
    /// `Softmax`; logits on request; values for a one-output (regression) model.
    @Test func predictWritesTheKindOfOutputThatFitsTheModel() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let trained = try examples.run("neurite", ["train", "--epochs", "1", "--hidden", "16", "--quiet", "--output", directory])
        #expect(trained.status == 0, "\(trained.error)")
        let model = "\(directory)/model.safetensors", inputs = "\(directory)/inputs.csv"
        let row = (0..<64).map { String(Double($0 % 5) / 4) }.joined(separator: ",")
        try [row, row.replacingOccurrences(of: "0.25", with: "1.0")].joined(separator: "\n").write(toFile: inputs, atomically: true, encoding: .utf8)

        func predict(_ model: String, _ extra: [String] = []) throws -> [[String]] {
            let run = try examples.run("neurite", ["predict", "--model", model, "--input", inputs] + extra)
            #expect(run.status == 0, "\(run.error)")
            return run.output.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        }
        let probabilities = try predict(model)
        #expect(probabilities.count == 3 && probabilities[0] == ["index", "class"] + (0..<10).map { "p\($0)" })
        for line in probabilities.dropFirst() {
            let sum = line.dropFirst(2).compactMap(Double.init).reduce(0, +)
            #expect(abs(sum - 1) < 1e-5, "probabilities sum to \(sum)")
        }
        let logits = try predict(model, ["--output-kind", "logits"])
        #expect(logits[0][2] == "logit0")
        for (logitRow, probabilityRow) in zip(logits.dropFirst(), probabilities.dropFirst()) {
            let values = logitRow.dropFirst(2).compactMap(Double.init)
            let largest = values.max()!
            let total = values.map { exp($0 - largest) }.reduce(0, +)
            let expected = values.map { exp($0 - largest) / total }
            let written = probabilityRow.dropFirst(2).compactMap(Double.init)
            #expect(zip(expected, written).allSatisfy { abs($0 - $1) < 2e-6 }, "\(expected) against \(written)")
            #expect(logitRow[1] == probabilityRow[1], "the class is the argmax either way")
        }

        // The same weights behind a final Softmax: the same probabilities, not softmax twice.
        let layers = [
            #"{"type":"Flatten","config":{}}"#, #"{"type":"Dense","config":{"in":64,"out":16}}"#, #"{"type":"ReLU","config":{}}"#,
            #"{"type":"Dense","config":{"in":16,"out":10}}"#, #"{"type":"Softmax","config":{"axis":1}}"#,
        ]
        let description = "\(directory)/softmax.json", withSoftmax = "\(directory)/softmax.safetensors"
        try #"{"type":"Sequential","config":{},"children":[\#(layers.joined(separator: ","))]}"#.write(
            toFile: description, atomically: true, encoding: .utf8)
        let imported = try examples.run("neurite", ["import", "--description", description, "--weights", model, "--output", withSoftmax])
        #expect(imported.status == 0, "\(imported.error)")
        #expect(try predict(withSoftmax) == probabilities)

        // One output per sample: the value itself (y = 0.5·Σx + 0.25 for these weights).
        let regression = "\(directory)/regression.json", weights = "\(directory)/regression-weights.safetensors"
        try #"{"type":"Sequential","config":{},"children":[{"type":"Flatten","config":{}},{"type":"Dense","config":{"in":64,"out":1}}]}"#.write(
            toFile: regression, atomically: true, encoding: .utf8)
        try Self.safetensors(["1.weight": ([1, 64], Array(repeating: 0.5, count: 64)), "1.bias": ([1], [0.25])]).write(
            to: URL(fileURLWithPath: weights))
        let regressionModel = "\(directory)/regression.safetensors"
        let importedRegression = try examples.run(
            "neurite", ["import", "--description", regression, "--weights", weights, "--input-shape", "64", "--output", regressionModel])
        #expect(importedRegression.status == 0, "\(importedRegression.error)")
        let values = try predict(regressionModel)
        let sums = [row, row.replacingOccurrences(of: "0.25", with: "1.0")].map { $0.split(separator: ",").compactMap { Double($0) }.reduce(0, +) }
        #expect(values[0] == ["index", "value0"])
        #expect(values.dropFirst().map { Double($0[1])! } == sums.map { 0.5 * $0 + 0.25 })
    }

    /// A safetensors file of float32 tensors, keys in sorted order.
    static func safetensors(_ tensors: [String: (shape: [Int], values: [Float])]) -> Data {
        var header: [String] = [], payload = Data(), offset = 0
        for (name, tensor) in tensors.sorted(by: { $0.key < $1.key }) {
            let bytes = tensor.values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
            header.append(#""\#(name)":{"dtype":"F32","shape":\#(tensor.shape),"data_offsets":[\#(offset),\#(offset + bytes.count)]}"#)
            payload.append(contentsOf: bytes)
            offset += bytes.count
        }
        let json = Data("{\(header.joined(separator: ","))}".utf8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian) { Data($0) } + json + payload
    }
}
