import ArgumentParser
import Foundation
import Neurite

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a saved model on inputs: class probabilities, raw outputs or regression values.",
        discussion: """
            Inputs: an IDX file of images (scaled by 1/255), a CSV file of feature rows (every column is \
            a feature; a first line that is not all numbers is a header), an .npy array whose first axis \
            is the sample, or one PNG image (grayscale, scaled to [0, 1]; its size must match the \
            model's input). Writes one CSV row per input, to standard output or to --output (.csv, or \
            .npy for the numbers alone as float32):
              probabilities  index, predicted class, the probability of each class (softmax of the \
            outputs; a model that ends in Softmax or LogSoftmax is not normalised twice)
              logits         index, predicted class, the raw outputs
              values         index, the raw outputs (regression)
            The default is values for a model with one output per sample and probabilities otherwise.

            A model trained on texts reads raw text: --text "…" (repeatable) or --input FILE with one text \
            per line; its columns are named by class.

            Examples:
              neurite predict --model neurite-run/model.safetensors --input images.npy
              neurite predict --model langid-run/model.safetensors --text "Wer reitet so spät durch Nacht und Wind?"
              neurite predict --model model.safetensors --input t10k-images-idx3-ubyte.gz --output predictions.csv
              neurite predict --model regression.safetensors --input rows.csv --output-kind values
            """)

    @OptionGroup var saved: ModelOptions
    @Option(help: "An .idx(.gz), .csv, .npy or .png file of inputs (for a text model: a file of texts, one per line).")
    var input: String?
    @Option(help: "A text to classify (text models; repeat for several).")
    var text: [String] = []
    @Option(help: "What to write per input (default: values for one output per sample, probabilities otherwise).")
    var outputKind: OutputKindChoice?
    @Option(help: "Where to write the predictions (.csv or .npy); standard output by default.")
    var output: String?

    func validate() throws {
        if input == nil && text.isEmpty { throw ValidationError("give --input FILE (or, for a text model, --text \"…\")") }
        if input != nil && !text.isEmpty { throw ValidationError("--input and --text exclude each other") }
        if let output, !(output.hasSuffix(".csv") || output.hasSuffix(".npy")) {
            throw ValidationError("--output must name a .csv or .npy file, got '\(output)'")
        }
    }

    func run() throws {
        try NeuriteCommand.reportingErrors {
            let model = try saved.load()
            let source = input ?? "--text"
            let inputs: Tensor
            if let reader = model.text, let input, input.hasSuffix(".npy") {
                // Ids the encoder already made ([texts, length], padding 0), as the ONNX export reads them.
                inputs = try NPYReader.read(input)
                let ids = reader.encoder.idCount
                guard inputs.rank == 2, inputs.shape[0] > 0, inputs.scalars.allSatisfy({ $0 >= 0 && $0 < Float(ids) && $0 == $0.rounded() }) else {
                    throw CommandError("\(input): expected ids [texts, length], whole numbers in 0..<\(ids), got shape \(inputs.shape)")
                }
            } else if let reader = model.text {
                let texts = try input.map(readTexts) ?? text
                guard !texts.isEmpty else { throw CommandError("\(source): no texts") }
                inputs = TextDataset(texts: texts, labels: texts.map { _ in 0 }, encoder: reader.encoder).batch(at: Array(texts.indices)).inputs
            } else {
                guard let input else { throw CommandError("--text: \(saved.model) reads tensors, not texts; give --input FILE") }
                inputs = try model.shaped(try readInputs(input), from: input)
                guard inputs.shape[0] > 0 else { throw CommandError("\(input): no inputs") }
            }
            let outputShape =
                try model.text == nil
                ? model.checkedOutputShape(
                    forSample: Array(inputs.shape.dropFirst()), batch: inputs.shape.first ?? 1, from: source) : [1, model.text!.classes.count]
            // Outputs of any shape go to an .npy file as they are (sequence models, imported graphs).
            if let output, output.hasSuffix(".npy"), let outputKind, outputKind != .probabilities {
                try NPYWriter.write(withoutGradients { model.network(inputs) }, to: output)
                return
            }
            guard outputShape.count == 2 else {
                throw CommandError(
                    "\(saved.model): the model gives outputs of shape \(outputShape) for one input; predict needs [1, C] (or --output-kind logits with an .npy --output)"
                )
            }
            let kind = outputKind ?? .default(for: model.network, outputWidth: outputShape[1])
            let outputs = withoutGradients { model.network(inputs) }
            let rows = kind.rows(from: outputs, network: model.network)
            if let output, output.hasSuffix(".npy") {
                try NPYWriter.write(rows, to: output)
                return
            }
            let width = rows.shape[1], values = rows.scalars
            // Probabilities in fixed point (as they always were); raw outputs keep their magnitude.
            let format = kind == .probabilities ? "%.6f" : "%.7g"
            let classes = kind == .values ? [] : rows.argmax(axis: 1).scalars
            // Where the model knows its classes' names (texts, Fashion-MNIST, CSV files labelled by
            // words), the class column holds the name and the other columns are named by it.
            let names = model.text?.classes ?? model.classNames
            func className(_ index: Int) -> String { names.map { csvField($0[index]) } ?? "\(index)" }
            let columns = (0..<width).map { index in names.map { "\(kind.columnName(0).dropLast())_\(csvField($0[index]))" } ?? kind.columnName(index)
            }
            var text = (kind == .values ? "index," : "index,class,") + columns.joined(separator: ",") + "\n"
            for row in 0..<rows.shape[0] {
                let numbers = (0..<width).map { String(format: format, values[row * width + $0]) }.joined(separator: ",")
                text += kind == .values ? "\(row),\(numbers)\n" : "\(row),\(className(Int(classes[row]))),\(numbers)\n"
            }
            if let output {
                do {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                } catch {
                    throw CommandError("\(output): cannot write: \(NeuriteCommand.reason(error))")
                }
            } else {
                print(text, terminator: "")
            }
        }
    }

    /// A CSV field: quoted when it holds a comma, a quote or a line break.
    private func csvField(_ value: String) -> String {
        value.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }

    /// One text per line (blank lines skipped).
    private func readTexts(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandError("\(path): cannot be read") }
        guard let content = String(validating: data, as: UTF8.self) else { throw CommandError("\(path): is not UTF-8 text") }
        return content.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.allSatisfy(\.isWhitespace) }
    }

    private func readInputs(_ input: String) throws -> Tensor {
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
