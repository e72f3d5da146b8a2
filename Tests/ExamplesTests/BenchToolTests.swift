import Foundation
import Testing

/// `neurite bench` on a small IDX data set, with stand-in peers: a "python" that answers as the
/// peers' scripts do, with known times, so the ratios can be checked.
@Suite("neurite bench")
struct BenchToolTests {
    let examples = ExampleTests()

    /// A directory with 256 training and 64 test images of 20×20 (IDX files: not Fashion-MNIST's
    /// 28×28, which the bench must not assume), a peers directory with the two script names, and
    /// the stand-in Python.
    func makeFixture() throws -> (root: String, data: String, peers: String, python: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-bench-\(UUID().uuidString)").path
        let data = root + "/data", peers = root + "/peers"
        for directory in [data, peers] { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        func idx(_ shape: [Int], _ payload: [UInt8]) -> Data {
            Data([0, 0, 8, UInt8(shape.count)] + shape.flatMap { withUnsafeBytes(of: UInt32($0).bigEndian, Array.init) } + payload)
        }
        for (split, count) in [("train", 256), ("t10k", 64)] {
            let labels = (0..<count).map { UInt8($0 % 10) }
            // Each class lights its own band of rows, so the models can learn something.
            let images = labels.flatMap { label in (0..<400).map { pixel in pixel / 20 / 2 == Int(label) ? UInt8(200) : UInt8(pixel % 7) } }
            try idx([count, 20, 20], images).write(to: URL(fileURLWithPath: "\(data)/\(split)-images-idx3-ubyte"))
            try idx([count], labels).write(to: URL(fileURLWithPath: "\(data)/\(split)-labels-idx1-ubyte"))
        }
        for script in ["torch_fashion.py", "jax_fashion.py"] { try Data("# stand-in\n".utf8).write(to: URL(fileURLWithPath: "\(peers)/\(script)")) }
        // PyTorch's epochs take 9 s then 2 s, JAX's 5 s then 1 s; PyTorch's inference 50 ms and 80 µs.
        let python = root + "/python"
        try Data(
            """
            #!/bin/sh
            case "$1" in
            -c) case "$2" in
                *torch_fashion*) shift 4; for w in "$@"; do echo "$w eval_ms 50.0 latency_us 80.0"; done ;;
                *) echo "PyTorch 9.9"; echo "JAX 9.9" ;;
                esac ;;
            *torch_fashion.py) echo "epoch 1 seconds 9.0 train_loss 1 test_acc 0.5"; echo "epoch 2 seconds 2.0 train_loss 1 test_acc 0.5" ;;
            *jax_fashion.py) echo "epoch 1 seconds 5.0 train_loss 1 test_acc 0.5"; echo "epoch 2 seconds 1.0 train_loss 1 test_acc 0.5" ;;
            esac

            """.utf8
        ).write(to: URL(fileURLWithPath: python))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: python)
        return (root, data, peers, python)
    }

    @Test func printsNeuritesTimesAndTheRatiosToEachPeer() throws {
        let fixture = try makeFixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.root) }
        let run = try examples.run(
            "neurite",
            [
                "bench", "--data", fixture.data, "--peers", fixture.peers, "--python", fixture.python, "--mlp-epochs", "2", "--cnn-epochs",
                "2", "--timing-seconds", "0.05",
            ])
        #expect(run.status == 0, "\(run.error)")
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.contains("PyTorch 9.9, JAX 9.9") == true, "\(lines.first ?? "")")
        #expect(lines.dropFirst().first?.split(separator: " ") == ["Neurite", "PyTorch", "ratio", "JAX", "ratio"])
        func cells(_ label: String) throws -> [String] {
            let line = try #require(lines.first { $0.hasPrefix(label) }, "no row \(label) in\n\(run.output)")
            return line.dropFirst(label.count).split(separator: " ").map(String.init)
        }
        // Training rows: Neurite's epoch after the first, the peers' second epochs, and ours ÷ theirs.
        func number(_ text: String) -> Double { Double(text) ?? .nan }
        // The table shows three significant digits or two decimals.
        func close(_ ratio: String, _ expected: Double) -> Bool { abs(number(ratio) - expected) <= 0.006 + 0.002 * expected }
        for workload in ["MLP", "CNN"] {
            let row = try cells("\(workload) training, s per epoch")
            let ours = number(row[0])
            #expect(ours > 0 && row[1] == "2.00" && close(row[2], ours / 2), "\(row)")
            if workload == "MLP" {
                #expect(row[3] == "1.00" && close(row[4], ours), "\(row)")
            } else {
                #expect(row[3] == "—" && row[4] == "—", "\(row)")
            }
            let evaluation = try cells("\(workload) 64 test images, ms")
            #expect(number(evaluation[0]) > 0 && evaluation[1] == "50.0" && close(evaluation[2], number(evaluation[0]) / 50))
            let single = try cells("\(workload) one image, µs")
            #expect(number(single[0]) > 0 && single[1] == "80.0" && close(single[2], number(single[0]) / 80), "\(single)")
            // Accuracy: ours from the trained model, the peers' last epoch's.
            let accuracy = try cells("\(workload) test accuracy after training")
            #expect((0...1).contains(number(accuracy[0])) && accuracy[1] == "0.5000", "\(accuracy)")
            #expect(accuracy[2] == (workload == "MLP" ? "0.5000" : "—"), "\(accuracy)")
        }
    }

    @Test func badOptionsAndMissingPeersAreOneLine() throws {
        let fixture = try makeFixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.root) }
        let cases: [([String], String)] = [
            (["--workloads", "mlp,rnn"], "unknown workload 'rnn'"),
            (["--mlp-epochs", "1"], "at least 2"),
            (["--timing-seconds", "0"], "--timing-seconds"),
            (["--data", fixture.root + "/nowhere"], "nowhere"),
            (["--peers", fixture.root + "/nowhere"], "torch_fashion.py is not there"),
            (["--peers", fixture.peers, "--python", fixture.root + "/no-python"], "cannot import torch"),
        ]
        for (arguments, message) in cases {
            let run = try examples.run("neurite", ["bench", "--data", fixture.data, "--workloads", "mlp"] + arguments)
            #expect(run.status != 0 && run.output.isEmpty, "\(arguments)")
            let errors = run.error.split(separator: "\n").filter { !$0.hasPrefix("neurite bench: ") }
            #expect(errors.count == 1 && errors[0].hasPrefix("neurite: ") && errors[0].contains(message), "\(arguments): \(run.error)")
        }
    }
}
