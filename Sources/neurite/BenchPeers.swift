import Foundation
import Neurite

/// A framework `neurite bench` compares against.
enum Peer: CaseIterable {
    case pytorch, jax

    var name: String { self == .pytorch ? "PyTorch" : "JAX" }
    var script: String { self == .pytorch ? "torch_fashion.py" : "jax_fashion.py" }
    /// The peers' scripts hold the MLP for both and the CNN for PyTorch only.
    func runs(_ workload: BenchWorkload) -> Bool { self == .pytorch || workload == .mlp }
}

/// Runs the peers' scripts (`torch_fashion.py`, `jax_fashion.py`) and an inference script of its
/// own with a Python that imports PyTorch (and JAX, for its row). A peer that cannot run leaves
/// its cells empty and a line in `problems`, so the rest of the table still comes out.
final class PeerRunner {
    let directory: String, python: String, environment: [String: String]
    /// Versions of the peers that ran, for the table's heading.
    private(set) var versions = ""
    /// Why a peer's cells are empty.
    private(set) var problems: [String] = []
    private var unavailable: Set<String> = []

    init(directory: String, python: String, data: String, threads: Int) throws {
        let script = directory + "/" + Peer.pytorch.script
        guard FileManager.default.fileExists(atPath: script) else {
            throw CommandError("--peers \(directory): \(Peer.pytorch.script) is not there")
        }
        self.directory = directory
        self.python = python
        var environment = ProcessInfo.processInfo.environment
        environment["FASHION_DIR"] = data
        environment["THREADS"] = "\(threads)"
        self.environment = environment
        let probe = try? ChildProcess.run(
            python,
            ["-c", "import torch; print('PyTorch', torch.__version__)\ntry:\n import jax; print('JAX', jax.__version__)\nexcept ImportError: pass"],
            environment: environment)
        guard let probe, probe.status == 0 else {
            throw CommandError("--python \(python): cannot import torch (\(probe?.lastErrorLine ?? "cannot run it"))")
        }
        versions = probe.output.split(separator: "\n").joined(separator: ", ")
        if !probe.output.contains("JAX") { disable(.jax, because: "JAX not run: \(python) cannot import jax") }
    }

    /// Seconds per epoch of `epochs` epochs of the peer's `workload` and its last test accuracy;
    /// no seconds when it did not run.
    func train(_ peer: Peer, _ workload: BenchWorkload, epochs: Int) -> (seconds: [Double], accuracy: Double?) {
        guard !unavailable.contains(peer.name) else { return ([], nil) }
        let script = directory + "/" + peer.script
        guard FileManager.default.fileExists(atPath: script) else {
            disable(peer, because: "\(peer.name) not run: \(script) is not there")
            return ([], nil)
        }
        let result = try? ChildProcess.run(python, [script, workload.rawValue, "\(epochs)"], environment: environment)
        guard let result, result.status == 0 else {
            disable(peer, because: "\(peer.name) \(workload.rawValue) failed: \(result?.lastErrorLine ?? "cannot run it")")
            return ([], nil)
        }
        // "epoch N seconds S train_loss L test_acc A"
        var seconds: [Double] = [], accuracy: Double?
        for line in result.output.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count == 8, words[0] == "epoch", words[2] == "seconds", let time = Double(words[3]) else { continue }
            seconds.append(time)
            accuracy = Double(words[7])
        }
        return (seconds, accuracy)
    }

    /// PyTorch's evaluation and single-image times for the workloads' models (untrained: the
    /// times do not depend on the weights).
    func inference(_ workloads: [BenchWorkload], seconds: Double) -> [BenchWorkload: (evaluation: Double, single: Double)] {
        guard !unavailable.contains(Peer.pytorch.name) else { return [:] }
        let arguments = ["-c", Self.inferenceScript, directory, "\(seconds)"] + workloads.map(\.rawValue)
        guard let result = try? ChildProcess.run(python, arguments, environment: environment), result.status == 0 else {
            problems.append("PyTorch inference failed")
            return [:]
        }
        var timings: [BenchWorkload: (Double, Double)] = [:]
        for line in result.output.split(separator: "\n") {
            // "mlp eval_ms E latency_us L"
            let words = line.split(separator: " ")
            guard words.count == 5, let workload = BenchWorkload(rawValue: String(words[0])), let evaluation = Double(words[2]),
                let single = Double(words[4])
            else { continue }
            timings[workload] = (evaluation / 1e3, single / 1e6)
        }
        return timings
    }

    private func disable(_ peer: Peer, because reason: String) {
        unavailable.insert(peer.name)
        problems.append(reason)
    }

    /// The inference measurements for PyTorch, on the models of `torch_fashion.py` (imported from
    /// the peers' directory), in evaluation mode under `no_grad`: the test images in
    /// batches of 1,000, and one image; medians, as Neurite's are measured.
    static let inferenceScript = """
        import os, sys, time
        sys.path.insert(0, sys.argv[1])
        import torch, torch_fashion as peer
        torch.set_num_threads(int(os.environ.get("THREADS", "2")))
        _, _, test, _ = peer.load()
        def median(body, budget):
            body(); times = []; start = time.perf_counter()
            while len(times) < 5 or time.perf_counter() - start < budget:
                t = time.perf_counter(); body(); times.append(time.perf_counter() - t)
            return sorted(times)[len(times) // 2]
        budget = float(sys.argv[2])
        for name in sys.argv[3:]:
            model = (peer.mlp() if name == "mlp" else peer.cnn()).eval()
            x = test if name == "mlp" else test.unsqueeze(1)
            one = x[:1]
            with torch.no_grad():
                whole = median(lambda: [model(x[i:i + 1000]) for i in range(0, len(x), 1000)], budget)
                single = median(lambda: model(one), budget)
            print(f"{name} eval_ms {whole * 1e3:.3f} latency_us {single * 1e6:.2f}", flush=True)
        """
}

/// A child process run to its end, its standard output kept and standard error's last line.
struct ChildProcess {
    let status: Int32
    let output: String
    let lastErrorLine: String?

    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ChildProcess {
        let process = Process()
        // A bare name is looked up on the PATH, as a shell would.
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let environment { process.environment = environment }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes while the child runs, so a full pipe never blocks it.
        let errorData = ReadData(), reading = DispatchGroup()
        DispatchQueue.global().async(group: reading) { errorData.value = errors.fileHandleForReading.readDataToEndOfFile() }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        reading.wait()
        let lastLine = String(decoding: errorData.value, as: UTF8.self).split(separator: "\n").last.map(String.init)
        return ChildProcess(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self), lastErrorLine: lastLine)
    }
}

/// What a reading thread hands back (written before the group's wait returns).
private final class ReadData: @unchecked Sendable {
    var value = Data()
}
