import Foundation
import Testing

/// `neurite` on texts: a labelled TSV trained, predicted from raw text, evaluated by class name.
@Suite("neurite on texts")
struct TextToolTests {
    let examples = ExampleTests()

    /// Two made-up languages whose words never overlap: any bag of words separates them.
    func writeCorpus(to path: String) throws {
        let words = ["alpha": ["kato", "mirel", "suna", "drav", "pelo"], "beta": ["quix", "zorb", "yent", "wubb", "fron"]]
        var lines = ["label\ttext"]
        for index in 0..<80 {
            let label = index % 2 == 0 ? "alpha" : "beta"
            let vocabulary = words[label]!
            lines.append("\(label)\t" + (0..<5).map { vocabulary[(index * 7 + $0 * 3) % 5] }.joined(separator: " "))
        }
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The tool: `NEURITE_CLI` when set (the release build in CI), else the build beside the tests.
    func tool(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        guard let path = ProcessInfo.processInfo.environment["NEURITE_CLI"] else { return try examples.run("neurite", arguments) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let (output, error) = (Pipe(), Pipe())
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    /// A copy of the model file at `path` with its metadata changed by `change` (the header is
    /// rewritten; the tensors' bytes stay as they are).
    func rewriteMetadata(of path: String, to newPath: String, _ change: (inout [String: String]) -> Void) throws {
        let bytes = try #require(FileManager.default.contents(atPath: path))
        let length = Int(bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        var header = try #require(try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<8 + length)) as? [String: Any])
        var metadata = try #require(header["__metadata__"] as? [String: String])
        change(&metadata)
        header["__metadata__"] = metadata
        let json = try JSONSerialization.data(withJSONObject: header)
        var out = Data(withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) })
        out += json
        out += bytes.subdata(in: (8 + length)..<bytes.count)
        try out.write(to: URL(fileURLWithPath: newPath))
    }

    /// A model file whose text metadata disagrees with its network, or asks for unbounded work,
    /// gets one line from every command that reads it, never a trap. The commands run the release
    /// build when `NEURITE_CLI` names it (CI does), where preconditions lose their messages.
    @Test func hostileTextMetadataGetsOneLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-text-bad-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let corpus = "\(directory)/corpus.tsv"
        try writeCorpus(to: corpus)
        let trained = try examples.run(
            "neurite",
            [
                "train", "--dataset", "text:\(corpus)", "--char-ngrams", "2-3", "--buckets", "100", "--epochs", "1", "--quiet", "--output",
                "\(directory)/run",
            ])
        #expect(trained.status == 0, "\(trained.error)")
        let model = "\(directory)/run/model.safetensors"
        let encoderKey = "neurite.text_encoder"
        let cases: [(String, (inout [String: String]) -> Void, String)] = [
            (
                "negative-buckets", { $0[encoderKey] = $0[encoderKey]!.replacingOccurrences(of: "\"buckets\":100", with: "\"buckets\":-5") },
                "text encoder"
            ),
            ("more-ids", { $0[encoderKey] = $0[encoderKey]!.replacingOccurrences(of: "\"buckets\":100", with: "\"buckets\":100000") }, "table has"),
            (
                "zero-length", { $0[encoderKey] = $0[encoderKey]!.replacingOccurrences(of: "\"maximumLength\":4096", with: "\"maximumLength\":0") },
                "maximumLength"
            ),
            (
                "endless-ngrams",
                {
                    $0[encoderKey] = $0[encoderKey]!.replacingOccurrences(
                        of: "\"characterNgrams\":[2,3]", with: "\"characterNgrams\":[-1,1000000000]")
                },
                "character n-grams"
            ),
            ("one-class", { $0["neurite.classes"] = "[\"alpha\"]" }, "names 1 classes"),
            ("not-json", { $0[encoderKey] = "{" }, "text encoder"),
        ]
        for (name, change, expected) in cases {
            let broken = "\(directory)/\(name).safetensors"
            try rewriteMetadata(of: model, to: broken, change)
            for arguments in [
                ["predict", "--model", broken, "--text", "kato"], ["explain", "--model", broken, "--text", "kato"], ["summary", "--model", broken],
            ] {
                let run = try tool(arguments)
                #expect(
                    run.status == 1 && run.error.contains(expected) && run.error.split(separator: "\n").count == 1,
                    "\(name) \(arguments[0]): \(run.error)")
            }
        }
    }

    @Test func aTextClassifierTrainsPredictsAndEvaluates() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-text-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let corpus = "\(directory)/corpus.tsv"
        try writeCorpus(to: corpus)
        let run = try examples.run(
            "neurite",
            [
                "train", "--dataset", "text:\(corpus)", "--char-ngrams", "2-3", "--buckets", "1000", "--epochs", "20", "--quiet", "--output",
                "\(directory)/run",
            ])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.hasPrefix("test accuracy 1.0000"), "\(run.output)")
        let model = "\(directory)/run/model.safetensors"

        let predicted = try examples.run("neurite", ["predict", "--model", model, "--text", "suna drav kato", "--text", "Zorb, QUIX!"])
        #expect(predicted.status == 0, "\(predicted.error)")
        let rows = predicted.output.split(separator: "\n")
        #expect(rows.first == "index,class,p_alpha,p_beta")
        #expect(rows.dropFirst().map { $0.split(separator: ",")[1] } == ["alpha", "beta"])

        let lines = "\(directory)/lines.txt"
        try "wubb fron\n\nmirel pelo\n".write(toFile: lines, atomically: true, encoding: .utf8)
        let fromFile = try examples.run("neurite", ["predict", "--model", model, "--input", lines])
        #expect(fromFile.output.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] } == ["beta", "alpha"])

        let evaluated = try examples.run("neurite", ["evaluate", "--model", model, "--dataset", "text:\(corpus)"])
        #expect(
            evaluated.status == 0 && evaluated.output.contains("alpha") && evaluated.output.contains("test accuracy 1.0000"), "\(evaluated.output)")

        let summary = try examples.run("neurite", ["summary", "--model", model])
        #expect(
            summary.status == 0 && summary.output.contains("(EmbeddingBag)") && summary.output.contains("classes: alpha, beta"), "\(summary.output)")

        // The same seed gives the same model file.
        _ = try examples.run(
            "neurite",
            [
                "train", "--dataset", "text:\(corpus)", "--char-ngrams", "2-3", "--buckets", "1000", "--epochs", "20", "--quiet", "--output",
                "\(directory)/again",
            ])
        #expect(FileManager.default.contents(atPath: model) == FileManager.default.contents(atPath: "\(directory)/again/model.safetensors"))

        // Texts and tensors do not mix.
        let mixed = try examples.run("neurite", ["train", "--dataset", "text:\(corpus)", "--architecture", "cnn", "--output", "\(directory)/cnn"])
        #expect(mixed.status == 1 && mixed.error.contains("--architecture cnn reads images or tables"), "\(mixed.error)")
        let images = try examples.run("neurite", ["evaluate", "--model", model, "--dataset", "digits"])
        #expect(images.status == 1 && images.error.contains("reads texts"), "\(images.error)")
        // The convolutional model reads the words in order; n-grams are fastText's.
        let convolutional = try examples.run(
            "neurite",
            ["train", "--dataset", "text:\(corpus)", "--architecture", "textcnn", "--epochs", "10", "--quiet", "--output", "\(directory)/cnn-text"])
        #expect(convolutional.status == 0 && convolutional.output.hasPrefix("test accuracy 1.0000"), "\(convolutional.output)\(convolutional.error)")
        let predictedByCNN = try examples.run("neurite", ["predict", "--model", "\(directory)/cnn-text/model.safetensors", "--text", "quix yent"])
        #expect(predictedByCNN.output.split(separator: "\n").last?.split(separator: ",")[1] == "beta", "\(predictedByCNN.output)")
        let ngramCNN = try examples.run(
            "neurite", ["train", "--dataset", "text:\(corpus)", "--architecture", "textcnn", "--char-ngrams", "2-3", "--output", "\(directory)/bad"])
        #expect(ngramCNN.status == 64 && ngramCNN.error.contains("--architecture textcnn reads words in order"), "\(ngramCNN.error)")

        // EDA's swap and deletion (no WordNet needed) edit the training texts as they are drawn.
        let augmented = try examples.run(
            "neurite",
            [
                "train", "--dataset", "text:\(corpus)", "--augment", "swap,delete", "--augment-probability", "1", "--epochs", "5", "--output",
                "\(directory)/eda",
            ])
        #expect(augmented.status == 0 && augmented.output.contains("test accuracy 1.0000"), "\(augmented.error)")
        #expect(augmented.output.contains("/1 - "), "57 training texts, edited in place, make 1 batch of 64: \(augmented.output)")
        let copied = try examples.run(
            "neurite",
            [
                "train", "--dataset", "text:\(corpus)", "--augment", "swap,delete", "--augment-copies", "2", "--epochs", "5", "--output",
                "\(directory)/eda-copies",
            ])
        #expect(copied.status == 0 && copied.output.contains("test accuracy 1.0000"), "\(copied.error)")
        #expect(copied.output.contains("/3 - "), "57 training texts and 114 copies make 3 batches of 64: \(copied.output)")
        let both = try examples.run(
            "neurite",
            [
                "train", "--dataset", "text:\(corpus)", "--augment", "swap", "--augment-copies", "2", "--augment-probability", "0.5",
                "--output", "\(directory)/both",
            ])
        #expect(both.status == 64 && both.error.contains("give one"), "\(both.error)")
        let badProbability = try examples.run(
            "neurite", ["train", "--dataset", "text:\(corpus)", "--augment", "swap", "--augment-probability", "1.5", "--output", "\(directory)/p"])
        #expect(
            badProbability.status == 64 && badProbability.error.contains("--augment-probability must be between 0 and 1, got 1.5"),
            "\(badProbability.error)")
        let imageAugmentation = try examples.run(
            "neurite", ["train", "--dataset", "text:\(corpus)", "--augment", "flip", "--output", "\(directory)/flip"])
        #expect(imageAugmentation.status == 64 && imageAugmentation.error.contains("--augment flip is for images"), "\(imageAugmentation.error)")
        let explained = try examples.run("neurite", ["explain", "--model", model, "--text", "kato zorb mirel"])
        #expect(explained.status == 0, "\(explained.error)")
        let explanation = explained.output.split(separator: "\n")
        #expect(explanation.first?.hasPrefix("top 2: alpha (") == true, "\(explained.output)")
        #expect(explanation.count == 4 && explanation[2].hasPrefix("kato(+") && explanation[2].contains(" zorb(-"), "\(explained.output)")
        let noText = try examples.run("neurite", ["explain", "--model", model])
        #expect(noText.status == 1 && noText.error.contains("the model reads texts; give --text"), "\(noText.error)")
        let missing = try examples.run("neurite", ["train", "--dataset", "text:\(directory)/none.tsv", "--output", "\(directory)/none"])
        #expect(missing.status == 1 && missing.error == "neurite: \(directory)/none.tsv: no such file or directory\n", "\(missing.error)")
    }
}
