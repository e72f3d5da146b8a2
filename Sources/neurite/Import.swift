import ArgumentParser
import Foundation
import Neurite

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a model file from an ONNX model, or from a model description and PyTorch weights.",
        discussion: """
            The description is JSON: {"type": "Sequential", "config": {}, "children": [{"type": "Dense", \
            "config": {"in": 784, "out": 256, "bias": true}, "children": []}, {"type": "ReLU", "config": {}, \
            "children": []}, …]}. The weights are a safetensors file saved from PyTorch with \
            safetensors.torch.save_file(model.state_dict(), …); every key must be used and every shape must match.

            An ONNX model (--onnx: from neurite export, torch.onnx.export or other tools; one input, one \
            output) becomes a module that runs its graph, with its initializers as weights; operators \
            Neurite does not run are listed in one error.

            Examples:
              neurite import --description mlp.json --weights mlp.safetensors --output model.safetensors
              neurite import --onnx model.onnx --output model.safetensors
            """)

    @Option(help: "The model description (JSON).")
    var description: String?
    @Option(help: "PyTorch weights (safetensors).")
    var weights: String?
    @Option(help: "An ONNX model to import instead of a description and weights.")
    var onnx: String?
    @Option(help: "The model file to write.")
    var output: String
    @Option(help: "The shape of one input, comma-separated, recorded for `neurite summary` and `predict`.", transform: PositiveIntegers.parse)
    var inputShape: PositiveIntegers?

    func validate() throws {
        if onnx != nil {
            guard description == nil, weights == nil else { throw ValidationError("--onnx excludes --description and --weights") }
        } else {
            guard description != nil, weights != nil else { throw ValidationError("give --onnx, or --description and --weights") }
        }
    }

    func run() throws {
        if let onnx {
            try importONNX(onnx)
            return
        }
        guard let description, let weights else { return }
        try NeuriteCommand.reportingErrors {
            var generator = PhiloxGenerator(seed: 0)  // the weights file replaces what is drawn
            let model = try DescriptionFile.build(description, generator: &generator)
            // The layers must chain: for the given input shape, or else from the first layer
            // whose input width is known.
            let saved = SavedModel(path: description, network: model, inputShape: nil)
            if let inputShape {
                _ = try saved.outputShape(forSample: inputShape.values, from: "--input-shape \(inputShape)")
            } else {
                try saved.checkLayersChain()
            }
            try model.loadWeights(from: weights)
            var metadata: [String: String] = [:]
            if let inputShape { metadata[SavedModel.inputShapeKey] = "\(inputShape)" }
            try ModelFile.save(model, to: output, metadata: metadata)
            print("wrote \(output): \(model.parameterCount) parameters")
        }
    }

    private func importONNX(_ path: String) throws {
        try NeuriteCommand.reportingErrors {
            let imported: (model: ONNXGraph, sampleShape: [Int]?)
            do {
                imported = try ONNXImporter.read(path)
            } catch let error as ONNXImportError {
                throw CommandError(error.message)
            }
            let shape = inputShape?.values ?? imported.sampleShape
            var metadata = ["neurite.imported_from": (path as NSString).lastPathComponent]
            if let shape {
                metadata[SavedModel.inputShapeKey] = shape.map(String.init).joined(separator: ",")
                // One sample must run through the graph before the file is written: checked first
                // (size and every node), so a shape that does not fit is one line, not a trap.
                do {
                    _ = try imported.model.checkedOutputShape(forInput: [1] + shape)
                } catch {
                    throw CommandError("\(path): the graph does not run on --input-shape \(shape.map(String.init).joined(separator: ",")): \(error)")
                }
                let probe = imported.model.predict(Tensor.zeros([1] + shape))
                guard probe.scalars.allSatisfy(\.isFinite) else { throw CommandError("\(path): the graph gives non-finite outputs for zeros") }
            }
            try ModelFile.save(imported.model, to: output, metadata: metadata)
            print("wrote \(output): \(imported.model.configuration.nodes.count) ONNX nodes, \(imported.model.parameterCount) parameters")
        }
    }
}
