import NeuriteCore
import NeuriteNN

/// What a non-strict `loadStateDict` left out.
public struct StateDictReport: Sendable, Equatable, CustomStringConvertible {
    /// Keys of the model that the state dict does not have (left unchanged).
    public var missingKeys: [String] = []
    /// Keys of the state dict that the model does not have (ignored).
    public var unexpectedKeys: [String] = []
    /// Keys present in both with different shapes (left unchanged): key, saved shape, model shape.
    public var shapeMismatches: [(key: String, saved: [Int], model: [Int])] = []

    /// Whether every key matched with its shape.
    public var isComplete: Bool { missingKeys.isEmpty && unexpectedKeys.isEmpty && shapeMismatches.isEmpty }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.missingKeys == rhs.missingKeys && lhs.unexpectedKeys == rhs.unexpectedKeys
            && lhs.shapeMismatches.map { "\($0)" } == rhs.shapeMismatches.map { "\($0)" }
    }

    /// All problems in one message, in PyTorch's words.
    public var description: String {
        var parts: [String] = []
        if !missingKeys.isEmpty { parts.append("Missing key(s) in state_dict: \(missingKeys.map { "\"\($0)\"" }.joined(separator: ", "))") }
        if !unexpectedKeys.isEmpty { parts.append("Unexpected key(s) in state_dict: \(unexpectedKeys.map { "\"\($0)\"" }.joined(separator: ", "))") }
        for mismatch in shapeMismatches {
            parts.append(
                "size mismatch for \(mismatch.key): copying a param with shape \(mismatch.saved) from checkpoint, the shape in current model is \(mismatch.model)"
            )
        }
        return parts.joined(separator: "; ")
    }
}

/// A state dict that does not fit the model it is loaded into (strict loading).
public struct StateDictError: Error, CustomStringConvertible, Sendable {
    /// The model the state did not fit.
    public let model: String
    /// What did not fit.
    public let report: StateDictReport
    public var description: String { "Error(s) in loading state_dict for \(model): \(report)" }
}

extension Module {
    /// Every parameter and buffer by its PyTorch `state_dict` key, in PyTorch's order (each
    /// module's parameters, then its buffers, then its children's).
    public var stateDict: [(key: String, tensor: Tensor)] {
        var result: [(key: String, tensor: Tensor)] = []
        for (prefix, module) in namedModules {
            for (name, parameter) in module.ownParameters { result.append((Self.joinKey(prefix, name), parameter.value.detached())) }
            for (name, buffer) in module.ownBuffers { result.append((Self.joinKey(prefix, name), buffer.value)) }
        }
        return result
    }

    /// Copies `tensors` into the parameters and buffers with the same keys (PyTorch's
    /// `load_state_dict`). Strict by default: any missing key, unexpected key or shape mismatch
    /// throws, listing them all, and nothing is changed. Non-strict: loads what fits and reports
    /// the rest.
    @discardableResult
    public func loadStateDict(_ tensors: [String: Tensor], strict: Bool = true) throws(StateDictError) -> StateDictReport {
        var report = StateDictReport()
        var assignments: [() -> Void] = []
        var known = Set<String>()
        for (prefix, module) in namedModules {
            for (name, parameter) in module.ownParameters {
                let key = Self.joinKey(prefix, name)
                known.insert(key)
                guard let tensor = tensors[key] else {
                    report.missingKeys.append(key)
                    continue
                }
                guard tensor.shape == parameter.shape else {
                    report.shapeMismatches.append((key, tensor.shape, parameter.shape))
                    continue
                }
                assignments.append { withoutGradients { parameter.value = tensor.detached() } }
            }
            for (name, buffer) in module.ownBuffers {
                let key = Self.joinKey(prefix, name)
                known.insert(key)
                guard let tensor = tensors[key] else {
                    report.missingKeys.append(key)
                    continue
                }
                guard tensor.shape == buffer.value.shape else {
                    report.shapeMismatches.append((key, tensor.shape, buffer.value.shape))
                    continue
                }
                assignments.append { buffer.value = tensor.detached() }
            }
        }
        report.unexpectedKeys = tensors.keys.filter { !known.contains($0) }.sorted()
        if strict && !report.isComplete { throw StateDictError(model: typeName, report: report) }
        for assign in assignments { assign() }
        return report
    }

    /// Writes the state dict as safetensors, atomically: parameters as `F32`, buffers as their
    /// `storedType` says (`num_batches_tracked` as the `I64` PyTorch writes).
    public func saveWeights(to path: String, metadata: [String: String] = [:]) throws(CheckpointError) {
        try weightsFile(metadata: metadata).write(to: path)
    }

    /// Loads weights saved by `saveWeights` or by PyTorch's `safetensors.torch.save_file(model.state_dict(), …)`.
    @discardableResult
    public func loadWeights(from path: String, strict: Bool = true) throws(CheckpointError) -> StateDictReport {
        let file = try SafeTensors.read(path)
        do {
            return try loadStateDict(file.tensors, strict: strict)
        } catch {
            throw CheckpointError(file: path, error.description)
        }
    }

    func weightsFile(metadata: [String: String]) -> SafeTensors {
        var file = SafeTensors(metadata: metadata)
        let integerBuffers = Set(namedBuffers.filter { $0.buffer.storedType == .int64 }.map(\.name))
        for (key, tensor) in stateDict {
            file.set(key, tensor, dtype: integerBuffers.contains(key) ? .i64 : .f32)
        }
        return file
    }

    static func joinKey(_ prefix: String, _ name: String) -> String { prefix.isEmpty ? name : prefix + "." + name }
}
