import ArgumentParser
import Foundation
import Neurite

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a saved model as an ONNX model (opset 17) for onnxruntime and other ONNX tools.",
        discussion: """
            The graph has one float input, `input` [batch, sample…], and one output, `output`; the batch \
            axis is dynamic, the weights are initializers under their state-dict names, and the model's \
            description and class names are in the metadata. Layers without an ONNX form are listed in \
            one error, and nothing is written.

            Example:
              neurite export --model neurite-run/model.safetensors --output model.onnx
            """)

    @OptionGroup var saved: ModelOptions
    @Option(help: "The ONNX file to write (.onnx).")
    var output: String
    @Option(help: "The shape of one input, comma-separated (default: the one recorded at training).", transform: PositiveIntegers.parse)
    var inputShape: PositiveIntegers?

    func validate() throws {
        guard output.hasSuffix(".onnx") else { throw ValidationError("--output must name a .onnx file, got '\(output)'") }
    }

    func run() throws {
        try NeuriteCommand.reportingErrors {
            let model = try saved.load()
            guard model.text == nil else {
                throw CommandError(
                    "\(saved.model): text models read raw text through their tokenizer, which ONNX cannot hold; export is for tensor models")
            }
            guard let shape = inputShape?.values ?? model.inputShape else {
                throw CommandError("\(saved.model): no input shape recorded; pass --input-shape")
            }
            _ = try model.checkedOutputShape(forSample: shape, from: inputShape.map { "--input-shape \($0)" } ?? saved.model)
            var metadata = ["neurite.input_shape": shape.map(String.init).joined(separator: ",")]
            if let names = model.classNames { metadata["neurite.classes"] = names.joined(separator: "\n") }
            do {
                try ONNXExporter.write(model.network, sampleShape: shape, to: output, metadata: metadata)
            } catch let error as ONNXExportError {
                throw CommandError(error.message)
            }
            print("wrote \(output)")
        }
    }
}
