import Foundation
import NeuritePlot
import Testing

/// The `neurite` tool, run as a user runs it.
@Suite("neurite command-line tool")
struct NeuriteToolTests {
    let examples = ExampleTests()

    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("neurite-cli-\(UUID().uuidString)").path
    }

    @Test func trainWritesAModelHistoryAndCheckpointAndIsReproducible() throws {
        let first = temporaryDirectory(), second = temporaryDirectory()
        defer { for path in [first, second] { try? FileManager.default.removeItem(atPath: path) } }
        let run = try examples.run("neurite", ["train", "--epochs", "3", "--quiet", "--output", first])
        #expect(run.status == 0, "\(run.error)")
        let lines = run.output.split(separator: "\n")
        #expect(lines.count == 1)
        let last = try #require(lines.last)
        #expect(last.hasPrefix("test accuracy 0.") && last.contains("  loss "))
        let accuracy = try #require(Double(last.split(separator: " ")[2]))
        #expect(accuracy > 0.85)
        for file in ["model.safetensors", "history.csv", "checkpoint.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: "\(first)/\(file)"), "\(file)")
        }
        // Pictures: PNG signature and size.
        for (file, width, height) in [
            ("learning-curves.png", 1200, 420), ("confusion-matrix.png", 70 + 10 * 60 + 20, 70 + 10 * 60 + 40),
            ("samples.png", 8 * 92, 4 * 104), ("first-layer-weights.png", 8 * 92, 4 * 104),
        ] {
            let data = try #require(FileManager.default.contents(atPath: "\(first)/\(file)"), "\(file)")
            let bytes = [UInt8](data)
            #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "\(file)")
            let size = (bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, bytes[20..<24].reduce(0) { $0 << 8 | Int($1) })
            #expect(size == (width, height), "\(file): \(size)")
        }
        #expect(try String(contentsOfFile: "\(first)/history.csv", encoding: .utf8).split(separator: "\n").count == 4)
        _ = try examples.run("neurite", ["train", "--epochs", "3", "--quiet", "--output", second])
        #expect(
            FileManager.default.contents(atPath: "\(first)/model.safetensors") == FileManager.default.contents(atPath: "\(second)/model.safetensors"))

        let summary = try examples.run("neurite", ["summary", "--model", "\(first)/model.safetensors"])
        #expect(summary.status == 0 && summary.output.contains("│ 1 (Dense)                       │ (None, 256)"))
        let evaluation = try examples.run("neurite", ["evaluate", "--model", "\(first)/model.safetensors"])
        #expect(evaluation.status == 0 && evaluation.output.hasSuffix("\(last)\n"))

        // Predictions on two all-zero 8×8 images given as CSV rows: one row each, probabilities summing to 1.
        let csv = "\(first)/inputs.csv"
        try (String(repeating: "0,", count: 63) + "0\n").appending(String(repeating: "0,", count: 63) + "0.5\n")
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let predicted = try examples.run("neurite", ["predict", "--model", "\(first)/model.safetensors", "--input", csv])
        #expect(predicted.status == 0, "\(predicted.error)")
        let rows = predicted.output.split(separator: "\n")
        #expect(rows.first == "index,class,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9" && rows.count == 3)
        let probabilities = rows[1].split(separator: ",").dropFirst(2).compactMap { Double($0) }
        #expect(probabilities.count == 10 && abs(probabilities.reduce(0, +) - 1) < 1e-4)

        // Import: the same architecture as a description plus the trained weights gives a model
        // file that evaluates identically.
        let description = "\(first)/mlp.json"
        try
            #"{"type":"Sequential","config":{},"children":[{"type":"Flatten","config":{"start":1,"end":-1},"children":[]},{"type":"Dense","config":{"in":64,"out":256,"bias":true},"children":[]},{"type":"ReLU","config":{},"children":[]},{"type":"Dense","config":{"in":256,"out":10,"bias":true},"children":[]}]}"#
            .write(toFile: description, atomically: true, encoding: .utf8)
        let imported = try examples.run(
            "neurite",
            [
                "import", "--description", description, "--weights", "\(first)/model.safetensors",
                "--output", "\(first)/imported.safetensors", "--input-shape", "1,8,8",
            ])
        #expect(imported.status == 0, "\(imported.error)")
        let reevaluated = try examples.run("neurite", ["evaluate", "--model", "\(first)/imported.safetensors"])
        #expect(reevaluated.output.hasSuffix("\(last)\n"))
        let described = try examples.run("neurite", ["train", "--model", description, "--epochs", "2", "--quiet", "--output", "\(first)/described"])
        #expect(described.status == 0 && described.output.hasPrefix("test accuracy 0."), "\(described.error)")
        // A described model draws its weights from --seed: the same seed gives the same file, another seed another.
        func describedModel(seed: Int, _ name: String) throws -> Data? {
            let run = try examples.run(
                "neurite",
                [
                    "train", "--model", description, "--epochs", "1", "--quiet", "--seed", "\(seed)",
                    "--output", "\(first)/\(name)",
                ])
            #expect(run.status == 0, "\(run.error)")
            return FileManager.default.contents(atPath: "\(first)/\(name)/model.safetensors")
        }
        let (seven, again, eight) = (try describedModel(seed: 7, "a"), try describedModel(seed: 7, "b"), try describedModel(seed: 8, "c"))
        #expect(seven != nil && seven == again && seven != eight)

        let resumed = try examples.run("neurite", ["train", "--epochs", "4", "--quiet", "--resume", "--output", first])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(try String(contentsOfFile: "\(first)/history.csv", encoding: .utf8).split(separator: "\n").count == 5)
    }

    @Test(arguments: [
        (
            ["train", "--dataset", "nope"], Int32(64),
            "neurite: The value 'nope' is invalid for '--dataset <dataset>'. Please provide one of the following: digits, fashion-mnist, mnist, idx:DIR, csv:FILE, npy:X,Y"
        ),
        (
            ["evaluate", "--model", "m", "--dataset", "npy:only-one.npy"], 64,
            "neurite: The value 'npy:only-one.npy' is invalid for '--dataset <dataset>'"
        ),
        (["train", "--epochs", "0"], 64, "neurite: --epochs must be between 1 and 1000000, got 0"),
        (
            ["train", "--hidden", "64,x"], 64,
            "neurite: The value '64,x' is invalid for '--hidden <hidden>': expected positive integers separated by commas"
        ),
        (
            ["train", "--activation", "swish"], 64,
            "neurite: The value 'swish' is invalid for '--activation <activation>'. Please provide one of the following: relu, leaky-relu, prelu, elu, gelu, silu, hardswish, tanh, sigmoid"
        ),
        (
            ["train", "--optimizer", "lion"], 64,
            "neurite: The value 'lion' is invalid for '--optimizer <optimizer>'. Please provide one of 'sgd', 'adam', 'adamw', 'rmsprop' or 'adagrad'."
        ),
        (
            ["train", "--schedule", "step:0"], 64,
            "neurite: The value 'step:0' is invalid for '--schedule <schedule>'. Please provide one of 'constant', 'cosine', 'step:EPOCHS' or 'one-cycle'."
        ),
        (["train", "--augment", "flip,blur"], 64, "neurite: The value 'flip,blur' is invalid for '--augment <augment>'"),
        (["train", "--initializer", "he"], 64, "neurite: The value 'he' is invalid for '--initializer <initializer>'"),
        (["train", "--optimizer", "rmsprop", "--momentum=-1"], 64, "neurite: --momentum must be a finite non-negative number, got -1.0"),
        (["train", "--optimizer", "adagrad", "--weight-decay=-0.5"], 64, "neurite: --weight-decay must be a finite non-negative number, got -0.5"),
        (
            ["summary", "--model", "m", "--input-shape", "1,0"], 64,
            "neurite: The value '1,0' is invalid for '--input-shape <input-shape>': expected positive integers"
        ),
        (["train", "--bogus"], 64, "neurite: Unknown option '--bogus'"),
        (["evaluate", "--model", "/nonexistent/model.safetensors"], 1, "neurite: /nonexistent/model.safetensors: no such file"),
        (["predict", "--model", "/nonexistent/model.safetensors", "--input", "x.npy"], 1, "neurite: /nonexistent/model.safetensors: no such file"),
        (["train", "--dataset", "idx:/nonexistent-dir", "--quiet"], 1, "neurite: /nonexistent-dir: no such directory"),
        (["import", "--description", "/nonexistent.json", "--weights", "w", "--output", "o"], 1, "neurite: /nonexistent.json: no such file"),
        (["train", "--model", "/nonexistent.json"], 1, "neurite: /nonexistent.json: no such file"),
        (["explain", "--model", "/nonexistent/model.safetensors"], 1, "neurite: /nonexistent/model.safetensors: no such file"),
        (
            ["explain", "--model", "m", "--method", "magic"], 64,
            "neurite: The value 'magic' is invalid for '--method <method>'. Please provide one of the following: saliency, gradient-input, integrated-gradients, smoothgrad, occlusion, gradcam, all"
        ),
        (["explain", "--model", "m", "--steps", "0"], 64, "neurite: --steps must be at least 1, got 0"),
        (
            ["explain", "--model", "m", "--integration", "simpson"], 64,
            "neurite: The value 'simpson' is invalid for '--integration <integration>'. Please provide one of 'gauss-legendre', "
        ),
        (["explain", "--model", "m", "--integration", "riemann-trapezoid", "--steps", "1"], 64, "neurite: --steps must be at least 2, got 1"),
        (["explain", "--model", "m", "--output", "map.jpg"], 64, "neurite: --output must name a .png file, got 'map.jpg'"),
        (
            ["explain", "--model", "m", "--baseline", "blur"], 64,
            "neurite: The value 'blur' is invalid for '--baseline <baseline>'. Please provide one of 'zeros', 'mean' or 'NUMBER'."
        ),
        (["activations", "--model", "m", "--layer", "2"], 64, "neurite: --layer goes with --unit or --index"),
        (["activations", "--model", "/nonexistent/model.safetensors"], 1, "neurite: /nonexistent/model.safetensors: no such file"),
    ])
    func mistakesGetOneLineAndAFailingStatus(arguments: [String], status: Int32, message: String) throws {
        let run = try examples.run("neurite", arguments)
        #expect(run.status == status)
        #expect(run.error.hasPrefix(message), "\(run.error)")
        #expect(run.error.split(separator: "\n").count == 1)
    }

    /// Every typed choice reaches the run: the schedule halves the rate each epoch (history.csv's
    /// lr column), the activation and initializer build the model, augmentation runs; and a model
    /// checked against a data set whose samples do not fit it is one line.
    /// A model trained on Fashion-MNIST (installed by `apt-get install dataset-fashion-mnist`, as
    /// CI does) records the class names, and `explain` speaks them: test sample 0 is an ankle boot.
    @Test func fashionMNISTModelsNameTheirClasses() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try examples.run(
            "neurite",
            ["train", "--dataset", "fashion-mnist", "--epochs", "1", "--hidden", "16", "--validation-split", "0", "--quiet", "--output", directory])
        #expect(run.status == 0, "\(run.error)")
        let explained = try examples.run(
            "neurite",
            ["explain", "--model", "\(directory)/model.safetensors", "--dataset", "fashion-mnist", "--output", "\(directory)/why.png"])
        #expect(explained.status == 0, "\(explained.error)")
        let lines = explained.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "input: fashion-mnist test sample 0, label Ankle boot", "\(explained.output)")
        let names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        #expect(lines.count > 2 && lines[1].hasPrefix("top 3: ") && names.contains { lines[1].hasPrefix("top 3: \($0) (") }, "\(explained.output)")
        #expect(
            lines.count > 2 && lines[2].hasPrefix("explaining class ") && names.contains { lines[2].contains(", \($0) (logit ") },
            "\(explained.output)")
    }

    @Test func typedChoicesReachTheRunAndModelsAreCheckedAgainstData() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try examples.run(
            "neurite",
            [
                "train", "--epochs", "3", "--quiet", "--activation", "hardswish", "--optimizer", "sgd",
                "--learning-rate", "0.1", "--schedule", "step:1", "--augment", "flip,crop",
                "--initializer", "xavier-uniform", "--hidden", "32,16", "--output", directory,
            ])
        #expect(run.status == 0, "\(run.error)")
        let rows = try String(contentsOfFile: "\(directory)/history.csv", encoding: .utf8).split(separator: "\n")
        let header = rows[0].split(separator: ",").map(String.init)
        let lr = try #require(header.firstIndex(of: "lr"))
        #expect(rows.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[lr] } == ["0.1", "0.05", "0.025"])
        let summary = try examples.run("neurite", ["summary", "--model", "\(directory)/model.safetensors"])
        #expect(summary.output.contains("(Hardswish)") && summary.output.contains("(None, 16)"), "\(summary.output)")

        // Every schedule runs to the end of training (one-cycle once trapped after its last step).
        for schedule in ["one-cycle", "cosine"] {
            let scheduled = try examples.run(
                "neurite", ["train", "--epochs", "2", "--quiet", "--schedule", schedule, "--hidden", "16", "--output", "\(directory)/\(schedule)"])
            #expect(scheduled.status == 0, "\(schedule): \(scheduled.error)")
        }

        let csv = "\(directory)/three.csv"
        try (0..<20).map { "\($0 % 3),\($0 % 5),\($0 % 7),\($0 % 2)" }.joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let mismatched = try examples.run("neurite", ["evaluate", "--model", "\(directory)/model.safetensors", "--dataset", "csv:\(csv)"])
        #expect(mismatched.status == 1)
        #expect(mismatched.error == "neurite: csv:\(csv): an input of shape [3] does not fit the model's input shape [1, 8, 8]\n")
    }

    @Test func explainPrintsTheTopClassesAndWritesThePanels() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let trained = try examples.run("neurite", ["train", "--epochs", "3", "--quiet", "--output", directory])
        #expect(trained.status == 0, "\(trained.error)")
        let model = "\(directory)/model.safetensors", picture = "\(directory)/explained.png"
        let run = try examples.run("neurite", ["explain", "--model", model, "--index", "3", "--top", "4", "--output", picture])
        #expect(run.status == 0, "\(run.error)")
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "input: digits test sample 3, label 3")
        // "top 4: 3 (0.9451)  8 (0.0290)  …": four classes, probabilities in decreasing order.
        let top = try #require(lines.first { $0.hasPrefix("top 4: ") })
        let probabilities = top.split(separator: "(").dropFirst().compactMap { Double($0.prefix { $0 != ")" }) }
        #expect(probabilities.count == 4 && probabilities == probabilities.sorted(by: >))
        // Integrated gradients reports completeness; 64 Gauss–Legendre steps keep it under 1 %.
        let check = try #require(lines.first { $0.hasPrefix("integrated gradients (64 steps, gauss-legendre, baseline zeros): ") })
        let share = try #require(Double(check.split(separator: "(").last!.dropLast(2)))
        #expect(share < 1, "\(check)")
        #expect(lines.last == "wrote \(picture)")
        // Input plus five panels, side by side, for an 8×8 digit drawn 28 times larger.
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: picture)))
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width % 6 == 0 && width >= 6 * (8 * 28 + 24) && height == 34 + 8 * 28 + 70, "\(width)×\(height)")

        // A PNG drawn here: a bright vertical bar on black, 8×8 like the digits; and the mean baseline.
        var canvas = Canvas(width: 8, height: 8, background: .black)
        canvas.fill(x: 3, y: 1, width: 2, height: 6, color: .white)
        try canvas.writePNG(to: "\(directory)/bar.png")
        let fromImage = try examples.run(
            "neurite",
            [
                "explain", "--model", model, "--image", "\(directory)/bar.png", "--baseline", "mean",
                "--method", "integrated-gradients", "--steps", "128", "--output", picture,
            ])
        #expect(fromImage.status == 0, "\(fromImage.error)")
        #expect(fromImage.output.hasPrefix("input: \(directory)/bar.png (8x8 pixels)\n"))
        #expect(fromImage.output.contains("integrated gradients (128 steps, gauss-legendre, baseline mean): "))
        let wide = try examples.run("neurite", ["explain", "--model", model, "--image", picture, "--output", "\(directory)/never.png"])
        #expect(wide.status == 1 && wide.error.hasPrefix("neurite: \(picture): an input of shape [1, "))
        #expect(wide.error.hasSuffix("does not fit the model's input shape [1, 8, 8]\n"))

        // One method, an explicit target, and an index past the end of the test split.
        let single = try examples.run("neurite", ["explain", "--model", model, "--method", "occlusion", "--target", "5", "--output", picture])
        #expect(single.status == 0 && single.output.contains("explaining class 5 (logit "), "\(single.error)")
        let outOfRange = try examples.run("neurite", ["explain", "--model", model, "--index", "360", "--output", "\(directory)/never.png"])
        #expect(outOfRange.status == 1 && outOfRange.error == "neurite: --index 360 is out of range: the digits test split has 360 samples\n")
        let badTarget = try examples.run("neurite", ["explain", "--model", model, "--target", "10", "--output", "\(directory)/never.png"])
        #expect(badTarget.status == 1 && badTarget.error == "neurite: --target 10 is not a class of the model (0 to 9)\n")
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/never.png"), "nothing written on failure")
    }

    @Test func activationsPrintsLayerStatisticsAndDrawsTopActivatingImages() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let trained = try examples.run("neurite", ["train", "--epochs", "2", "--quiet", "--output", directory])
        #expect(trained.status == 0, "\(trained.error)")
        let model = "\(directory)/model.safetensors", picture = "\(directory)/unit.png"
        let run = try examples.run("neurite", ["activations", "--model", model])
        #expect(run.status == 0, "\(run.error)")
        let lines = run.output.split(separator: "\n").map(String.init)
        // Flatten, Dense 256, ReLU, Dense 10: the ReLU's dead units are the Dense layer's never-positive ones.
        #expect(lines.count == 5 && lines[0].hasPrefix("layer  type"))
        #expect(lines[1].hasPrefix("0      Flatten") && lines[2].hasPrefix("1      Dense") && lines[3].hasPrefix("2      ReLU"))
        let dead = { (line: String) in line.split(separator: " ").suffix(2).first.map(String.init) }
        #expect(lines[3].contains("  256  ") && dead(lines[2]) == dead(lines[3]))

        // Unit 0 of the output layer (the logit of class 0), which is positive on some digits.
        let drawn = try examples.run(
            "neurite", ["activations", "--model", model, "--layer", "3", "--unit", "0", "--count", "8", "--output", picture])
        #expect(drawn.status == 0, "\(drawn.error)")
        #expect(drawn.output.contains("unit 0 of layer 3 responds most to test samples ") && drawn.output.hasSuffix("wrote \(picture)\n"))
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: picture)))
        let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 8 * 92 && height == 104)
        let unknown = try examples.run("neurite", ["activations", "--model", model, "--layer", "9", "--unit", "0"])
        #expect(unknown.status == 1 && unknown.error == "neurite: --layer '9' is not a layer of \(model) (layers: 0, 1, 2, 3)\n")
        let outOfRange = try examples.run("neurite", ["activations", "--model", model, "--layer", "3", "--unit", "10"])
        #expect(outOfRange.status == 1 && outOfRange.error == "neurite: --unit 10 is out of range: layer 3 has 10 units\n")
    }

    /// The convolutional network end to end on the digits: it learns, draws its filters, and
    /// explain, activations and summary work on it.
    @Test func aConvolutionalNetworkTrainsAndIsExplained() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let trained = try examples.run("neurite", ["train", "--architecture", "cnn", "--epochs", "3", "--quiet", "--output", directory])
        #expect(trained.status == 0, "\(trained.error)")
        let accuracy = Double(trained.output.split(separator: " ").dropFirst(2).first ?? "") ?? 0
        #expect(accuracy > 0.9, "\(trained.output)")
        #expect(FileManager.default.fileExists(atPath: "\(directory)/first-layer-weights.png"))
        let model = "\(directory)/model.safetensors"
        let summary = try examples.run("neurite", ["summary", "--model", model])
        #expect(summary.output.contains("0 (Conv2D)") && summary.output.contains("(None, 32, 8, 8)") && summary.output.contains("(None, 64, 2, 2)"))

        let explained = try examples.run(
            "neurite", ["explain", "--model", model, "--index", "3", "--method", "gradcam", "--output", "\(directory)/why.png"])
        #expect(explained.status == 0, "\(explained.error)")
        #expect(explained.output.contains("grad-cam on layer 4 (4x4 maps"))
        let maps = try examples.run(
            "neurite", ["activations", "--model", model, "--layer", "1", "--index", "0", "--output", "\(directory)/maps.png"])
        #expect(maps.status == 0 && maps.output.contains("32 of the 32 feature maps of layer 1"), "\(maps.error)")
        let flat = try examples.run("neurite", ["activations", "--model", model, "--layer", "7", "--index", "0", "--output", "\(directory)/x.png"])
        #expect(flat.status == 1 && flat.error.contains("not feature maps"))

        // An MLP has no feature maps for Grad-CAM.
        let mlp = "\(directory)/mlp"
        _ = try examples.run("neurite", ["train", "--epochs", "1", "--quiet", "--output", mlp])
        let refused = try examples.run(
            "neurite", ["explain", "--model", "\(mlp)/model.safetensors", "--method", "gradcam", "--output", "\(mlp)/w.png"])
        #expect(refused.status == 1 && refused.error.contains("--method gradcam needs a model with convolutional feature maps"))
        // Convolutions need images.
        let csv = "\(directory)/table.csv"
        try "a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let table = try examples.run("neurite", ["train", "--architecture", "cnn", "--dataset", "csv:\(csv)", "--output", "\(directory)/t"])
        #expect(table.status == 1 && table.error.contains("--architecture cnn needs images"), "\(table.error)")
    }
}
