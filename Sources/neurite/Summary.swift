import ArgumentParser
import Foundation
import Neurite

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the layers, output shapes and parameter counts of a saved model.",
        discussion: "Example:\n  neurite summary --model neurite-run/model.safetensors")

    @OptionGroup var saved: ModelOptions
    @Option(help: "The shape of one input, comma-separated (default: the one recorded at training).", transform: PositiveIntegers.parse)
    var inputShape: PositiveIntegers?

    func run() throws {
        try NeuriteCommand.reportingErrors {
            let model = try saved.load()
            guard let shape = inputShape?.values ?? model.inputShape else {
                throw CommandError("\(saved.model): no input shape recorded; pass --input-shape")
            }
            if let given = inputShape?.values {
                _ = try model.checkedOutputShape(forSample: given, from: "--input-shape \(inputShape!)")
            }
            print(model.network.summary(inputShape: shape, title: (saved.model as NSString).lastPathComponent))
        }
    }
}
