import ArgumentParser
import Foundation
import Neurite

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a saved model as an ONNX model (opset 17) for onnxruntime and other ONNX tools.",
        discussion: """
            The graph has one float input, `input` [batch, sample…], and one output, `output`; the batch \
            axis is dynamic (for a text model the input is the ids its encoder makes, [batch, length], \
            padding 0, and the length is dynamic too), the weights are initializers under their state-dict names, and the model's \
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
            // A text model's graph reads the ids its encoder makes, [batch, length] (the tokenizer
            // stays outside ONNX); 8 stands for any length while the shapes are followed.
            guard let shape = inputShape?.values ?? model.inputShape ?? (model.text == nil ? nil : [8]) else {
                throw CommandError("\(saved.model): no input shape recorded; pass --input-shape")
            }
            _ = try model.checkedOutputShape(forSample: shape, from: inputShape.map { "--input-shape \($0)" } ?? saved.model)
            var metadata = ["neurite.input_shape": shape.map(String.init).joined(separator: ",")]
            if let names = model.text?.classes ?? model.classNames { metadata["neurite.classes"] = names.joined(separator: "\n") }
            if let reader = model.text { metadata["neurite.text_ids"] = "\(reader.encoder.idCount)" }
            do {
                try ONNXExporter.write(model.network, sampleShape: shape, to: output, metadata: metadata)
            } catch let error as ONNXExportError {
                throw CommandError(error.message)
            }
            print("wrote \(output)")
        }
    }
}
