import ArgumentParser
import Foundation
import Neurite

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a saved model on a data set's test split.",
        discussion: "Example:\n  neurite evaluate --model neurite-run/model.safetensors --dataset digits")

    @OptionGroup var saved: ModelOptions
    @OptionGroup var data: DatasetOptions

    func run() throws {
        try NeuriteCommand.reportingErrors {
            let model = try saved.load()
            let (_, rawTest, classes) = try data.dataset.load()
            let test = try model.shaped(rawTest, from: "\(data.dataset)")
            try model.checkClassifies(test, classes: classes, dataset: data.dataset)
            let result = evaluate(model.network, on: test, loss: { crossEntropy(logits: $0, classIndices: $1) })
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
