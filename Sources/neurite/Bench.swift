import ArgumentParser
import Foundation
import Neurite

/// `neurite bench`: the speed workloads of BENCHMARKS.md in one run, with PyTorch and JAX beside
/// them when their scripts and a Python that imports them are given.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time training and inference on Fashion-MNIST, against PyTorch and JAX when given.",
        discussion: """
            Trains the 784-256-128-10 MLP and the 2-conv CNN of `neurite train` (Adam 1e-3, batch 128, \
            all 60,000 training images) as `neurite train` processes, then times evaluating the test \
            images (batches of 1,000) and one image with the trained models. With --peers, the \
            same workloads run in PyTorch (torch_fashion.py) and JAX (jax_fashion.py, MLP only) in \
            alternation with Neurite's, and each row gets Neurite's time divided by the peer's (below 1: \
            Neurite is faster). Seconds per epoch are medians over the epochs after the first (which \
            holds JAX's compilation and first touches of memory) and over the rounds.
            Example:
              neurite bench --peers ../shared/peers --python venv/bin/python
            """)

    @Option(help: "Workloads to run, comma-separated: mlp, cnn.", transform: BenchWorkload.parseList)
    var workloads: [BenchWorkload] = [.mlp, .cnn]
    @Option(help: "Epochs of MLP training per round (at least 2).")
    var mlpEpochs = 3
    @Option(help: "Epochs of CNN training per round (at least 2).")
    var cnnEpochs = 2
    @Option(help: "Times every workload is run, alternating with the peers'.")
    var rounds = 1
    @Option(help: "Threads for Neurite's kernels and PyTorch (default: all cores).")
    var threads: Int?
    @Option(help: "Seconds of repeated runs behind each inference time (a median).")
    var timingSeconds = 2.0
    @Option(help: "Directory of the Fashion-MNIST IDX files.")
    var data = IDXImageDataset.fashionMNISTDirectory
    @Option(help: "Directory holding the peers' torch_fashion.py and jax_fashion.py.")
    var peers: String?
    @Option(help: "The Python that runs the peers (it must import torch; jax for the JAX row).")
    var python = "python3"

    func validate() throws {
        guard mlpEpochs >= 2, cnnEpochs >= 2 else {
            throw ValidationError("--mlp-epochs and --cnn-epochs must be at least 2 (the first epoch is not timed)")
        }
        guard timingSeconds > 0, timingSeconds <= 600 else {
            throw ValidationError("--timing-seconds must be in (0, 600], got \(timingSeconds)")
        }
        guard (1...100).contains(rounds) else { throw ValidationError("--rounds must be between 1 and 100, got \(rounds)") }
        if let threads, !(1...Train.maximumThreads).contains(threads) {
            throw ValidationError("--threads must be between 1 and \(Train.maximumThreads), got \(threads)")
        }
    }

    func run() throws {
        try NeuriteCommand.reportingErrors {
            let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
            Threading.maximumThreads = threadCount
            let test = try IDXImageDataset.load(directory: data).test
            let peerRunner = try peers.map { try PeerRunner(directory: $0, python: python, data: data, threads: threadCount) }
            let scratch = try BenchScratch()
            defer { scratch.remove() }

            var table = BenchTable(testImages: test.count)
            for round in 1...rounds {
                for workload in workloads {
                    let epochs = workload == .mlp ? mlpEpochs : cnnEpochs
                    note("round \(round): Neurite \(workload.rawValue), \(epochs) epochs")
                    let run = try trainNeurite(workload, epochs: epochs, threads: threadCount, into: scratch.directory(workload))
                    table.add(.training(workload), neuriteEpochSeconds: run)
                    guard let peerRunner else { continue }
                    for peer in Peer.allCases where peer.runs(workload) {
                        note("round \(round): \(peer.name) \(workload.rawValue), \(epochs) epochs")
                        let run = peerRunner.train(peer, workload, epochs: epochs)
                        table.add(.training(workload), peer: peer, epochSeconds: run.seconds)
                        if let accuracy = run.accuracy { table.add(.accuracy(workload), peer: peer, value: accuracy) }
                    }
                }
            }
            for workload in workloads {
                note("inference: Neurite \(workload.rawValue)")
                table.add(workload, neurite: try inference(workload, modelFile: scratch.directory(workload) + "/model.safetensors", test: test))
            }
            if let peerRunner {
                note("inference: PyTorch")
                table.add(peerInference: peerRunner.inference(workloads, seconds: timingSeconds))
            }
            let versions = peerRunner.map { " — " + $0.versions } ?? ""
            print("Neurite bench — \(Self.processorName)\(ProcessInfo.processInfo.processorCount) cores, \(threadCount) threads\(versions)")
            print(table.render(peers: peerRunner == nil ? [] : Peer.allCases.filter { peer in workloads.contains { peer.runs($0) } }))
            if let peerRunner { for line in peerRunner.problems { print("note: \(line)") } }
            if peerRunner == nil { print("(no peers: give --peers DIR, the directory of torch_fashion.py and jax_fashion.py, for the ratios)") }
        }
    }

    /// The processor's model name and ", " where the system says it (Linux), else "".
    static var processorName: String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let name = line.split(separator: ":", maxSplits: 1).last
        else { return "" }
        return name.trimmingCharacters(in: .whitespaces) + ", "
    }

    private func note(_ message: String) { FileHandle.standardError.write(Data("neurite bench: \(message)\n".utf8)) }

    /// `neurite train` in a child process, as a user runs it; the seconds of its epochs from
    /// `history.csv`.
    private func trainNeurite(_ workload: BenchWorkload, epochs: Int, threads: Int, into directory: String) throws -> [Double] {
        let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        var arguments = [
            "train", "--dataset", "idx:\(data)", "--epochs", "\(epochs)", "--batch-size", "128", "--learning-rate", "1e-3",
            "--validation-split", "0", "--threads", "\(threads)", "--quiet", "--overwrite", "--output", directory,
        ]
        arguments += workload == .mlp ? ["--hidden", "256,128"] : ["--architecture", "cnn"]
        let result = try ChildProcess.run(executable, arguments)
        guard result.status == 0 else {
            throw CommandError("neurite train (\(workload.rawValue)) failed: \(result.lastErrorLine ?? "exit status \(result.status)")")
        }
        let history = try String(contentsOfFile: directory + "/history.csv", encoding: .utf8)
        let rows = history.split(separator: "\n").dropFirst()
        return rows.compactMap { row in row.split(separator: ",").last.flatMap { Double($0) } }
    }

    /// The trained model's test accuracy, the median time of a pass over the test images in
    /// batches of 1,000, and the median time of one image.
    private func inference(_ workload: BenchWorkload, modelFile: String, test: TensorDataset) throws -> InferenceTiming {
        let model = try ModelFile.read(modelFile).model
        model.eval()
        // [N, 1, rows, columns] as the IDX reader gives them: the CNN takes them so, and the MLP
        // flattens them.
        let inputs = test.inputs
        let accuracy =
            evaluate(model, on: TensorDataset(inputs: inputs, targets: test.targets), loss: { crossEntropy(logits: $0, classIndices: $1) })
            .accuracy ?? .nan
        let count = inputs.shape[0]
        return withoutGradients {
            let whole = BenchClock.median(budget: timingSeconds) {
                for start in stride(from: 0, to: count, by: 1000) { _ = model(inputs[start..<min(start + 1000, count)]) }
            }
            let one = inputs[0..<1]
            let single = BenchClock.median(budget: timingSeconds) { _ = model(one) }
            return InferenceTiming(accuracy: accuracy, evaluationSeconds: whole, singleSeconds: single)
        }
    }
}

/// A training workload of the bench.
enum BenchWorkload: String, CaseIterable, Sendable {
    case mlp, cnn

    static func parseList(_ text: String) throws -> [BenchWorkload] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var chosen: [BenchWorkload] = []
        for name in names {
            guard let workload = BenchWorkload(rawValue: name) else {
                throw ValidationError("--workloads: unknown workload '\(name)' (expected mlp, cnn)")
            }
            if !chosen.contains(workload) { chosen.append(workload) }
        }
        return chosen
    }
}

/// Timings of one trained model.
struct InferenceTiming {
    let accuracy: Double
    let evaluationSeconds: Double
    let singleSeconds: Double
}

/// Median wall times.
enum BenchClock {
    /// The median time of `body` in seconds over about `budget` seconds of runs (at least 5),
    /// after one warm-up run.
    static func median(budget: Double, _ body: () -> Void) -> Double {
        body()
        var samples: [Double] = []
        let start = DispatchTime.now().uptimeNanoseconds
        while samples.count < 5 || Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < budget {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
            if samples.count >= 100_000 { break }
        }
        return samples.sorted()[samples.count / 2]
    }
}

/// A temporary directory for the runs' output, removed at the end.
struct BenchScratch {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "neurite-bench-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CommandError("\(path): cannot create the bench's scratch directory: \(NeuriteCommand.reason(error))")
        }
    }

    func directory(_ workload: BenchWorkload) -> String { path + "/" + workload.rawValue }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
