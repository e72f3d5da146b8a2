import ArgumentParser
import Foundation
import Neurite

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a saved model on a data set's test split.",
        discussion: "Example:\n  neurite evaluate --model neurite-run/model.safetensors --dataset digits")

    @Option(help: "A model file written by neurite train.")
    var model: String
    @Option(help: "digits, fashion-mnist, mnist, idx:DIR, csv:FILE or npy:X,Y.")
    var dataset = "digits"

    func run() throws {
        try NeuriteCommand.reportingErrors {
            let network = try ModelFile.load(model)
            let (_, test, classes) = try DatasetChoice(name: dataset).load()
            let loss = { (logits: Tensor, labels: Tensor) in crossEntropy(logits: logits, classIndices: labels) }
            let probe = withoutGradients { network(test.batch(at: [0]).inputs) }
            guard probe.shape == [1, classes] else {
                throw DatasetChoice.Problem(description: "\(model): the model gives \(probe.shape.last ?? 0) outputs, the data set has \(classes) classes")
            }
            let result = evaluate(network, on: test, loss: loss)
            print("class  precision  recall     f1  support")
            for (index, scores) in (result.classScores ?? []).enumerated() {
                print(String(format: "%5d  %9.4f  %6.4f  %6.4f  %7d", index, scores.precision, scores.recall, scores.f1, scores.support))
            }
            print("confusion matrix (rows: actual, columns: predicted)")
            for row in result.confusion ?? [] { print(row.map { String(format: "%5d", $0) }.joined(separator: " ")) }
            print(String(format: "test accuracy %.4f  loss %.4f", result.accuracy ?? .nan, result.loss))
        }
    }
}

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the layers, output shapes and parameter counts of a saved model.",
        discussion: "Example:\n  neurite summary --model neurite-run/model.safetensors")

    @Option(help: "A model file written by neurite train.")
    var model: String
    @Option(help: "The shape of one input, comma-separated (default: the one recorded at training).")
    var inputShape: String?

    func run() throws {
        try NeuriteCommand.reportingErrors {
            let network = try ModelFile.load(model)
            let recorded = try SafeTensors.read(model).metadata["neurite.input_shape"]
            guard let text = inputShape ?? recorded else {
                throw DatasetChoice.Problem(description: "\(model): no input shape recorded; pass --input-shape")
            }
            let shape = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !shape.isEmpty, shape.count == text.split(separator: ",").count, shape.allSatisfy({ $0 > 0 }) else {
                throw ValidationError("--input-shape expects positive integers separated by commas, got '\(text)'")
            }
            print(network.summary(inputShape: shape, title: (model as NSString).lastPathComponent))
        }
    }
}
