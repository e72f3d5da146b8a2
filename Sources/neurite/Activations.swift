import ArgumentParser
import Foundation
import Neurite

struct Activations: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe what a saved model's hidden layers do on a data set.",
        discussion: """
            Runs the model over a data set's test split and prints, for every layer, the mean and \
            variance of its outputs and how many of its units never activate (output never above \
            zero: dead ReLUs). With --unit, also writes the test images on which that unit of \
            --layer responds most; with --index, the feature maps of --layer for that test sample \
            (one picture per channel, for convolutional layers).

            Examples:
              neurite activations --model neurite-run/model.safetensors
              neurite activations --model run/model.safetensors --dataset fashion-mnist --layer 2 --unit 7 --output unit7.png
              neurite activations --model cnn/model.safetensors --dataset fashion-mnist --layer 1 --index 0 --output maps.png
            """)

    @OptionGroup var saved: ModelOptions
    @OptionGroup var data: DatasetOptions
    @Option(help: "The layer whose unit --unit picks (a name from the table, e.g. 2).")
    var layer: String?
    @Option(help: "Write the images that most activate this unit of --layer.")
    var unit: Int?
    @Option(help: "Write the feature maps of --layer for this test sample.")
    var index: Int?
    @Option(help: "How many images to show.")
    var count = 16
    @Option(help: "Where to write the picture of the top-activating images.")
    var output = "top-activating.png"

    func validate() throws {
        guard unit == nil || index == nil else {
            throw ValidationError("--unit and --index exclude each other: top images of a unit, or one sample's maps")
        }
        guard (layer == nil) == (unit == nil && index == nil) else { throw ValidationError("--layer goes with --unit or --index") }
        if let index, index < 0 { throw ValidationError("--index must not be negative, got \(index)") }
        guard (1...1024).contains(count) else { throw ValidationError("--count must be between 1 and 1024, got \(count)") }
        if let unit, unit < 0 { throw ValidationError("--unit must not be negative, got \(unit)") }
        guard output.lowercased().hasSuffix(".png") else { throw ValidationError("--output must name a .png file, got '\(output)'") }
    }

    func run() throws {
        try NeuriteCommand.reportingErrors {
            let model = try saved.load()
            if model.text != nil {
                throw CommandError("\(saved.model): the model reads texts; neurite activations works on images and tables (not on texts yet)")
            }
            let network = model.network
            let dataset = data.dataset
            let test = try model.shaped(try dataset.load().test, from: "\(dataset)")
            let statistics = network.activationStatistics(on: test)
            let nameWidth = max(5, statistics.map(\.name.count).max() ?? 0), typeWidth = max(4, statistics.map(\.type.count).max() ?? 0)
            func padded(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
            print("\(padded("layer", nameWidth))  \(padded("type", typeWidth))      mean    variance  units  dead")
            for layer in statistics {
                print(
                    padded(layer.name, nameWidth) + "  " + padded(layer.type, typeWidth)
                        + String(
                            format: "  %8.3f  %10.3f  %5d  %d (%.1f%%)", layer.mean, layer.variance, layer.unitCount, layer.deadUnits.count,
                            layer.deadFraction * 100))
            }
            guard let layer else { return }
            guard !layer.isEmpty, network.namedModules.contains(where: { $0.name == layer }) else {
                throw CommandError("--layer '\(layer)' is not a layer of \(saved.model) (layers: \(network.leafLayerNames.joined(separator: ", ")))")
            }
            if let index {
                guard index < test.count else {
                    throw CommandError("--index \(index) is out of range: the \(dataset) test split has \(test.count) samples")
                }
                let maps = network.activations(for: test.inputs[index..<(index + 1)], layers: [layer]).activations[layer]!
                guard maps.rank == 4 else {
                    throw CommandError("layer \(layer) gives outputs of shape \(maps.shape), not feature maps [N, C, H, W]; use --unit")
                }
                try ExplanationPicture.featureMaps(maps[0]).writePNG(to: output)
                print("wrote \(output): \(min(64, maps.shape[1])) of the \(maps.shape[1]) feature maps of layer \(layer) for test sample \(index)")
                return
            }
            guard let unit else { return }
            // Units: features of [N, F] outputs, channels of [N, C, …] ones.
            let units = network.activations(for: test.inputs[0..<1], layers: [layer]).activations[layer].map { $0.rank >= 2 ? $0.shape[1] : 1 } ?? 0
            guard (0..<units).contains(unit) else {
                throw CommandError("--unit \(unit) is out of range: layer \(layer) has \(units) units")
            }
            guard test.inputs.rank == 4 else {
                throw CommandError("\(dataset): the inputs are not images; cannot draw them")
            }
            let top = network.topActivatingExamples(layer: layer, unit: unit, in: test, count: count)
            guard let strongest = top.first, strongest.activation > 0 else {
                print("unit \(unit) of layer \(layer) never activates on the \(dataset) test split (a dead unit); no picture written")
                return
            }
            print(
                "unit \(unit) of layer \(layer) responds most to test samples "
                    + top.map { String(format: "%d (%.3f)", $0.index, $0.activation) }.joined(separator: ", "))
            try ExplanationPicture.topActivatingExamples(top, in: test).writePNG(to: output)
            print("wrote \(output)")
        }
    }
}
