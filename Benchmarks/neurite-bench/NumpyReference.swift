import Foundation

/// A long-running `python3` that times NumPy operations on request, so that each NumPy timing is
/// taken right next to the Neurite timing of the same shape. OpenBLAS's thread count is fixed
/// per process through its environment variables.
final class NumpyReference {
    private let process = Process()
    private let input = Pipe(), output = Pipe()
    private var buffer = Data()

    struct Unavailable: Error, CustomStringConvertible {
        let reason: String
        var description: String { "NumPy reference unavailable: \(reason) (python3 with numpy is needed for the comparison)" }
    }

    init(threads: Int) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-c", Self.script]
        var environment = ProcessInfo.processInfo.environment
        for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"] { environment[name] = "\(threads)" }
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        do { try process.run() } catch { throw Unavailable(reason: "\(error)") }
        guard try readLine() == "ready" else { throw Unavailable(reason: "python3 did not start numpy") }
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Median seconds of `op(A)·op(B)` for `m × k · k × n` in float32 (transposes are views,
    /// passed to BLAS without copies).
    func gemm(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, budget: Double) throws -> Double {
        try request("gemm \(m) \(n) \(k) \(transposeA ? 1 : 0) \(transposeB ? 1 : 0) \(budget)")
    }

    /// Median seconds of one of the tensor operations named in `OperationBenchmark.swift`, on
    /// float32 inputs of the same shapes.
    func operation(_ name: String, budget: Double) throws -> Double {
        try request("op \(name) \(budget)")
    }

    /// Median seconds of `numpy.<function>` over `count` float32 values in [-5, 5).
    func unary(_ function: String, count: Int, budget: Double) throws -> Double {
        try request("unary \(function) \(count) \(budget)")
    }

    /// Median seconds of one of the attribution cases named in `InterpretBenchmark.swift`, written
    /// by hand in NumPy for the same MLP shapes.
    func attribution(_ name: String, budget: Double) throws -> Double {
        try request("attr \(name) \(budget)")
    }

    private func request(_ line: String) throws -> Double {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
        let reply = try readLine()
        // OpenBLAS's worker threads spin for a while after a call; let them go to sleep before
        // anything else is timed, or they would take a core from it.
        usleep(100_000)
        guard let seconds = Double(reply) else { throw Unavailable(reason: "unexpected reply '\(reply)'") }
        return seconds
    }

    private func readLine() throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw Unavailable(reason: "python3 exited") }
            buffer.append(chunk)
        }
    }

    private static let script = """
        import sys, time
        import numpy as np
        from scipy import special
        def median_time(f, budget):
            f(); t0 = time.perf_counter(); f(); once = max(time.perf_counter() - t0, 1e-7)
            runs = min(max(5, int(budget / once)), 2001)
            samples = []
            for _ in range(runs):
                t0 = time.perf_counter(); f(); samples.append(time.perf_counter() - t0)
            samples.sort(); return samples[len(samples) // 2]
        print("ready")
        for line in sys.stdin:
            parts = line.split()
            rng = np.random.default_rng(0)
            if parts[0] == "gemm":
                m, n, k, ta, tb = map(int, parts[1:6]); budget = float(parts[6])
                a = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
                b = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
                A = a.T if ta else a; B = b.T if tb else b
                print(median_time(lambda: A @ B, budget))
            elif parts[0] == "op":
                name, budget = parts[1], float(parts[2])
                v1, v2 = rng.random(1 << 20, dtype=np.float32), rng.random(1 << 20, dtype=np.float32)
                m, row = rng.random((1024, 1024), dtype=np.float32), rng.random(1024, dtype=np.float32)
                f = {"add": lambda: v1 + v2, "multiply-scalar": lambda: v1 * np.float32(3),
                     "add-row": lambda: m + row, "sum": lambda: v1.sum(), "sum-columns": lambda: m.sum(axis=0),
                     "sum-rows": lambda: m.sum(axis=1), "max-rows": lambda: m.max(axis=1),
                     "transpose": lambda: np.ascontiguousarray(m.T)}[name]
                print(median_time(f, budget))
            elif parts[0] == "attr":
                name, budget = parts[1], float(parts[2])
                W1 = rng.standard_normal((256, 784), dtype=np.float32) * 0.05; b1 = np.zeros(256, np.float32)
                W2 = rng.standard_normal((128, 256), dtype=np.float32) * 0.05; b2 = np.zeros(128, np.float32)
                W3 = rng.standard_normal((10, 128), dtype=np.float32) * 0.05; b3 = np.zeros(10, np.float32)
                images = rng.random((128, 784), dtype=np.float32)
                def forward(x):
                    h1 = x @ W1.T + b1; h2 = np.maximum(h1, 0) @ W2.T + b2
                    return h1, h2, np.maximum(h2, 0) @ W3.T + b3
                def input_gradient(x, columns):
                    h1, h2, out = forward(x)
                    g = np.zeros_like(out); g[np.arange(len(x)), columns] = 1
                    g = ((g @ W3) * (h2 > 0)) @ W2
                    return (g * (h1 > 0)) @ W1
                def saliency():
                    x = images; return np.abs(input_gradient(x, forward(x)[2].argmax(1)))
                nodes, weights = np.polynomial.legendre.leggauss(64)
                alphas = (0.5 * (1 + nodes)).astype(np.float32); steps = (0.5 * weights).astype(np.float32)
                def integrated_gradients():
                    x = images[:16]; columns = forward(x)[2].argmax(1)
                    points = (alphas[:, None, None] * x[None]).reshape(-1, 784)
                    grads = input_gradient(points, np.tile(columns, 64)).reshape(64, 16, 784)
                    attributions = x * (grads * steps[:, None, None]).sum(0)
                    ends = forward(np.concatenate([x, np.zeros_like(x)]))[2]
                    delta = attributions.sum(1) - (ends[np.arange(16), columns] - ends[16 + np.arange(16), columns])
                    return attributions, delta
                def occlusion():
                    x = images[:4].reshape(4, 28, 28); out = forward(x.reshape(4, 784))[2]; columns = out.argmax(1)
                    base = out[np.arange(4), columns]
                    corners = [(r, c) for r in range(0, 25, 2) for c in range(0, 25, 2)]
                    masks = np.zeros((len(corners), 28, 28), np.float32)
                    for i, (r, c) in enumerate(corners): masks[i, r:r + 4, c:c + 4] = 1
                    occluded = (x[None] * (1 - masks[:, None])).reshape(-1, 784)
                    drops = base[None] - forward(occluded)[2].reshape(len(corners), 4, 10)[:, np.arange(4), columns]
                    totals = np.einsum("wn,whv->nhv", drops, masks)
                    return totals / np.maximum(masks.sum(0), 1)
                f = {"saliency-128": saliency, "ig-16x64": integrated_gradients, "occlusion-4": occlusion}[name]
                print(median_time(f, budget))
            else:
                name, count, budget = parts[1], int(parts[2]), float(parts[3])
                x = (rng.random(count, dtype=np.float32) * 10 - 5)
                f = {"exp": np.exp, "log": np.log, "tanh": np.tanh, "sigmoid": special.expit, "erf": special.erf}[name]
                if name == "log": x = np.abs(x) + 1
                print(median_time(lambda: f(x), budget))
        """
}
