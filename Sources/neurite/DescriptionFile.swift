import Foundation
import Neurite

/// Reads a model description (the JSON of `LayerDescription`, as stored in model files).
enum DescriptionFile {
    static func read(_ path: String) throws -> LayerDescription {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandError("\(path): no such file")
        }
        do {
            return try JSONDecoder().decode(LayerDescription.self, from: data)
        } catch {
            throw CommandError(
                "\(path): not a model description (expected JSON like {\"type\": \"Sequential\", \"config\": {}, \"children\": [...]})")
        }
    }

    /// The model the description at `path` describes, with weights drawn from `generator`.
    static func build(_ path: String, generator: inout PhiloxGenerator) throws -> Module {
        let description = try read(path)
        do {
            return try LayerRegistry.build(description, generator: &generator)
        } catch {
            throw CommandError("\(path): \(error)")
        }
    }
}
