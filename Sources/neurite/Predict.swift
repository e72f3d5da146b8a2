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

    @Option(help: "A model file written by neurite train.")
    var model: String
    @Option(help: "An .idx(.gz), .csv, .npy or .png file of inputs.")
    var input: String
    @Option(help: "Where to write the predictions (.csv or .npy); standard output by default.")
    var output: String?

    func run() throws {
        try NeuriteCommand.reportingErrors {
            let network = try ModelFile.load(model)
            let recorded = try recordedInputShape(of: model)
            var inputs = try readInputs()
            if let recorded, inputs.shape.dropFirst().reduce(1, *) == recorded.reduce(1, *) {
                inputs = inputs.reshaped([inputs.shape[0]] + recorded)
            } else if let recorded {
                throw DatasetChoice.Problem(description: "\(input): samples of shape \(Array(inputs.shape.dropFirst())) do not fit the model's input shape \(recorded)")
            }
            let probabilities = withoutGradients { softmax(network(inputs), axis: 1) }
            let classes = probabilities.argmax(axis: 1).scalars
            if let output, output.hasSuffix(".npy") {
                try NPYWriter.write(probabilities, to: output)
                return
            }
            var text = "index,class," + (0..<probabilities.shape[1]).map { "p\($0)" }.joined(separator: ",") + "\n"
            let values = probabilities.scalars, width = probabilities.shape[1]
            for row in 0..<probabilities.shape[0] {
                text += "\(row),\(Int(classes[row]))," + (0..<width).map { String(format: "%.6f", values[row * width + $0]) }.joined(separator: ",") + "\n"
            }
            if let output {
                do {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                } catch {
                    throw DatasetChoice.Problem(description: "\(output): cannot write: \(error.localizedDescription)")
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
            let rows = try CSVReader.read(input, labelColumn: 0)
            return Tensor.concatenate([rows.labels.unsqueezed(axis: 1), rows.features], axis: 1)  // every column is a feature
        }
        if name.contains("idx") { return try IDXReader.read(input) / 255 }
        if name.hasSuffix(".png") { return try PNGReader.readGrayscale(input).unsqueezed(axis: 0) }
        throw DatasetChoice.Problem(description: "\(input): unknown input format (expected .npy, .csv, .png or an IDX file)")
    }
}

/// Writes float32 `.npy` files (version 1, C order), atomically.
enum NPYWriter {
    static func write(_ tensor: Tensor, to path: String) throws {
        let shape = tensor.shape.count == 1 ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 255), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
        for value in tensor.scalars { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DatasetChoice.Problem(description: "\(path): cannot write: \(error.localizedDescription)")
        }
    }
}
