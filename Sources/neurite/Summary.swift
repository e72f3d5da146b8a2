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
            // A text model reads ids of any length: one id shows every layer.
            guard let shape = inputShape?.values ?? model.inputShape ?? (model.text == nil ? nil : [1]) else {
                throw CommandError("\(saved.model): no input shape recorded; pass --input-shape")
            }
            if let given = inputShape?.values {
                _ = try model.checkedOutputShape(forSample: given, from: "--input-shape \(inputShape!)")
            }
            print(model.network.summary(inputShape: shape, title: (saved.model as NSString).lastPathComponent))
            if let reader = model.text {
                let tokenizer = reader.encoder.tokenizer
                let ngrams = [
                    tokenizer.wordNgrams > 1 ? "word n-grams up to \(tokenizer.wordNgrams)" : nil,
                    tokenizer.characterNgrams.map { "character \($0.lowerBound)–\($0.upperBound)-grams" },
                ].compactMap { $0 }
                print(
                    "Reads texts: \(reader.encoder.vocabulary.count) vocabulary ids\(reader.encoder.buckets > 0 ? " + \(reader.encoder.buckets) hashed n-gram buckets" : "")\(ngrams.isEmpty ? "" : " (" + ngrams.joined(separator: ", ") + ")"); classes: \(reader.classes.joined(separator: ", "))"
                )
            }
        }
    }
}
