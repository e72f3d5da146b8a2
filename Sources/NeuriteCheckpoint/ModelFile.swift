import Foundation
import NeuriteCore
import NeuriteNN

/// Self-describing model files: weights (safetensors, PyTorch keys) plus the architecture as JSON
/// in the metadata under `neurite.architecture`.
public enum ModelFile {
    /// The metadata key of the architecture (JSON).
    public static let architectureKey = "neurite.architecture"

    /// Writes `model` with its architecture, atomically.
    public static func save(_ model: Module, to path: String, metadata: [String: String] = [:]) throws(CheckpointError) {
        let description: LayerDescription
        do {
            description = try LayerRegistry.describe(model)
        } catch {
            throw CheckpointError(file: path, location: error.location, error.message)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let json = try? encoder.encode(description) else { throw CheckpointError(file: path, "cannot encode the architecture") }
        var all = metadata
        all[architectureKey] = String(decoding: json, as: UTF8.self)
        try model.saveWeights(to: path, metadata: all)
    }

    /// Rebuilds the model stored at `path` (every layer type must be registered in
    /// `LayerRegistry`) and loads its weights strictly; the model is returned in evaluation mode.
    /// A file whose weights hold NaN or infinity (a run that diverged) is refused unless
    /// `allowingNonFiniteWeights` is true.
    public static func load(_ path: String, allowingNonFiniteWeights: Bool = false) throws(CheckpointError) -> Module {
        try read(path, allowingNonFiniteWeights: allowingNonFiniteWeights).model
    }

    /// The model stored at `path`, as `load(_:allowingNonFiniteWeights:)` rebuilds it, with the file's metadata (what
    /// `save(_:to:metadata:)` was given, plus the architecture).
    public static func read(_ path: String, allowingNonFiniteWeights: Bool = false) throws(CheckpointError) -> (
        model: Module, metadata: [String: String]
    ) {
        let file = try SafeTensors.read(path)
        if !allowingNonFiniteWeights {
            let tensors = file.tensors
            for name in tensors.keys.sorted() where !tensors[name]!.allFinite {
                throw CheckpointError(
                    file: path, location: name, "holds NaN or infinite values (the run that wrote it diverged); refusing to load it")
            }
        }
        guard let json = file.metadata[architectureKey] else {
            throw CheckpointError(
                file: path, location: "__metadata__",
                "no architecture (\(architectureKey)); load the weights into a model built in code with loadWeights(from:)")
        }
        let description: LayerDescription
        do {
            description = try JSONDecoder().decode(LayerDescription.self, from: Data(json.utf8))
        } catch {
            throw CheckpointError(file: path, location: "__metadata__.\(architectureKey)", "malformed architecture JSON")
        }
        let model: Module
        do {
            // The weights replace whatever the layers draw, so a fixed seed keeps the default
            // generator untouched.
            var generator = PhiloxGenerator(seed: 0)
            model = try LayerRegistry.build(description, generator: &generator)
        } catch {
            throw CheckpointError(file: path, location: error.location, error.message)
        }
        do {
            try model.loadStateDict(file.tensors)
        } catch {
            throw CheckpointError(file: path, error.description)
        }
        model.eval()
        return (model, file.metadata)
    }
}
