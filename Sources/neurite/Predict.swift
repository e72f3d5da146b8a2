import ArgumentParser
import Foundation
import Neurite

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify inputs with a saved model.",
        discussion: """
            Inputs: an IDX file of images (scaled by 1/255), a CSV file of feature rows (no label column), \
            an .npy array whose first axis is the sample, or one PNG image (grayscale, scaled to [0, 1]; \
            its size must match the model's input). Writes one CSV row per input: the index, the \
            predicted class and the probability of each class; to standard output, or to --output \
            (.csv, or .npy for the probabilities as float32).

            Examples:
              neurite predict --model neurite-run/model.safetensors --input images.npy
              neurite predict --model model.safetensors --input t10k-images-idx3-ubyte.gz --output predictions.csv
            """)

    @OptionGroup var saved: ModelOptions
    @Option(help: "An .idx(.gz), .csv, .npy or .png file of inputs.")
    var input: String
    @Option(help: "Where to write the predictions (.csv or .npy); standard output by default.")
    var output: String?

    func run() throws {
        try NeuriteCommand.reportingErrors {
            let model = try saved.load()
            let inputs = try model.shaped(try readInputs(), from: input)
            let logits = withoutGradients { model.network(inputs) }
            guard logits.rank == 2, logits.shape[0] == inputs.shape[0] else {
                throw CommandError(
                    "\(saved.model): the model gives outputs of shape \(logits.shape) for \(inputs.shape[0]) inputs; predict needs class logits [N, C]"
                )
            }
            let probabilities = softmax(logits, axis: 1)
            let classes = probabilities.argmax(axis: 1).scalars
            if let output, output.hasSuffix(".npy") {
                try NPYWriter.write(probabilities, to: output)
                return
            }
            var text = "index,class," + (0..<probabilities.shape[1]).map { "p\($0)" }.joined(separator: ",") + "\n"
            let values = probabilities.scalars, width = probabilities.shape[1]
            for row in 0..<probabilities.shape[0] {
                text +=
                    "\(row),\(Int(classes[row]))," + (0..<width).map { String(format: "%.6f", values[row * width + $0]) }.joined(separator: ",")
                    + "\n"
            }
            if let output {
                do {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                } catch {
                    throw CommandError("\(output): cannot write: \(error.localizedDescription)")
                }
            } else {
                print(text, terminator: "")
            }
        }
    }

    private func readInputs() throws -> Tensor {
        let name = input.lowercased()
        if name.hasSuffix(".npy") || name.hasSuffix(".npy.gz") { return try NPYReader.read(input) }
        if name.hasSuffix(".csv") || name.hasSuffix(".csv.gz") {
            return try CSVReader.readMatrix(input)  // every column is a feature
        }
        if name.contains("idx") { return try IDXReader.read(input) / 255 }
        if name.hasSuffix(".png") { return try PNGReader.readGrayscale(input).unsqueezed(axis: 0) }
        throw CommandError("\(input): unknown input format (expected .npy, .csv, .png or an IDX file)")
    }
}
