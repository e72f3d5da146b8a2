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
            let test: any Dataset
            var names: [String]? = nil
            if let reader = model.text {
                guard data.dataset.isText else { throw CommandError("\(saved.model) reads texts; \(data.dataset) holds tensors") }
                test = try reader.dataset(try data.dataset.loadTexts().test, source: "\(data.dataset)")
                names = reader.classes
            } else {
                let loaded = try data.dataset.load()
                let shaped = try model.shaped(loaded.test, from: "\(data.dataset)")
                try model.checkClassifies(shaped, classes: loaded.classes, dataset: data.dataset)
                test = shaped
                names = model.classNames
            }
            guard test.count > 0 else { throw CommandError("\(data.dataset): the test split is empty") }
            let result = evaluate(model.network, on: test, loss: { crossEntropy(logits: $0, classIndices: $1) })
            let width = max(5, names?.map(\.count).max() ?? 0)
            print("\("class".padding(toLength: width, withPad: " ", startingAt: 0))  precision  recall     f1  support")
            for (index, scores) in (result.classScores ?? []).enumerated() {
                let name = (names?[index] ?? "\(index)")
                print(
                    String(repeating: " ", count: max(0, width - name.count)) + name
                        + String(format: "  %9.4f  %6.4f  %6.4f  %7d", scores.precision, scores.recall, scores.f1, scores.support))
            }
            print("confusion matrix (rows: actual, columns: predicted)")
            for row in result.confusion ?? [] { print(row.map { String(format: "%5d", $0) }.joined(separator: " ")) }
            print(String(format: "test accuracy %.4f  loss %.4f", result.accuracy ?? .nan, result.loss))
        }
    }
}
