import ArgumentParser
import Foundation
import Neurite

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine a model description and PyTorch weights into a self-describing model file.",
        discussion: """
            The description is JSON: {"type": "Sequential", "config": {}, "children": [{"type": "Dense", \
            "config": {"in": 784, "out": 256, "bias": true}, "children": []}, {"type": "ReLU", "config": {}, \
            "children": []}, …]}. The weights are a safetensors file saved from PyTorch with \
            safetensors.torch.save_file(model.state_dict(), …); every key must be used and every shape must match.

            Example:
              neurite import --description mlp.json --weights mlp.safetensors --output model.safetensors
            """)

    @Option(help: "The model description (JSON).")
    var description: String
    @Option(help: "PyTorch weights (safetensors).")
    var weights: String
    @Option(help: "The model file to write.")
    var output: String
    @Option(help: "The shape of one input, comma-separated, recorded for `neurite summary` and `predict`.", transform: PositiveIntegers.parse)
    var inputShape: PositiveIntegers?

    func run() throws {
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
}
