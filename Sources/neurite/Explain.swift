import ArgumentParser
import Foundation
import Neurite

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show which input features drove a saved model's prediction.",
        discussion: """
        Explains one input: a sample of a data set's test split (--index) or a PNG image \
        (--image). Prints the top classes with their probabilities, explains one class's logit \
        (the predicted class unless --target is given) with the chosen attribution methods, and \
        writes the input and one heat map per method side by side as a PNG: red where a pixel \
        raises the logit, blue where it lowers it.

        Methods: saliency (|gradient|), gradient-input, integrated-gradients (zero baseline; \
        prints the convergence delta; --baseline zeros, mean or a number), smoothgrad, occlusion, \
        or all (the default).

        Examples:
          neurite explain --model neurite-run/model.safetensors --index 3
          neurite explain --model run/model.safetensors --dataset fashion-mnist --index 0 --method integrated-gradients
          neurite explain --model run/model.safetensors --image digit.png --output digit-explained.png
        """)

    @Option(help: "A model file written by neurite train or neurite import.")
    var model: String
    @Option(help: "The data set whose test split --index picks from (digits, fashion-mnist, mnist, idx:DIR, csv:FILE, npy:X,Y).")
    var dataset = "digits"
    @Option(help: "The test sample to explain.")
    var index = 0
    @Option(help: "A PNG image to explain instead of a data set sample (grayscale, scaled to [0, 1]).")
    var image: String?
    @Option(help: "saliency, gradient-input, integrated-gradients, smoothgrad, occlusion or all.")
    var method = "all"
    @Option(help: "The class to explain (default: the predicted one).")
    var target: Int?
    @Option(help: "Integrated gradients: the number of steps.")
    var steps = 64
    @Option(help: "Integrated gradients: the baseline, zeros, mean (the training split's mean input) or a number.")
    var baseline = "zeros"
    @Option(help: "Integrated gradients: gauss-legendre, riemann-left, riemann-right, riemann-middle or riemann-trapezoid.")
    var integration = "gauss-legendre"
    @Option(help: "SmoothGrad: the number of noisy samples.")
    var samples = 25
    @Option(help: "SmoothGrad: the noise level as a fraction of the input's range.")
    var noise: Float = 0.15
    @Option(help: "SmoothGrad: the random seed.")
    var seed: UInt64 = 0
    @Option(help: "Occlusion: the side of the square window (default: an eighth of the image side, at least 1).")
    var window: Int?
    @Option(help: "Occlusion: the window's step (default: half the window, at least 1).")
    var stride: Int?
    @Option(help: "How many classes to print.")
    var top = 3
    @Option(help: "Where to write the picture.")
    var output = "explanation.png"

    static let methods = ["saliency", "gradient-input", "integrated-gradients", "smoothgrad", "occlusion"]

    func validate() throws {
        guard method == "all" || Self.methods.contains(method) else {
            throw ValidationError("--method must be one of \((Self.methods + ["all"]).joined(separator: ", ")), got '\(method)'")
        }
        guard integrationMethod != nil else {
            throw ValidationError("--integration must be gauss-legendre, riemann-left, riemann-right, riemann-middle or riemann-trapezoid, got '\(integration)'")
        }
        for (name, value, least) in [("--steps", steps, integration == "riemann-trapezoid" ? 2 : 1), ("--samples", samples, 1), ("--top", top, 1),
                                     ("--window", window ?? 1, 1), ("--stride", stride ?? 1, 1)] where value < least {
            throw ValidationError("\(name) must be at least \(least), got \(value)")
        }
        guard baseline == "zeros" || baseline == "mean" || Float(baseline)?.isFinite == true else {
            throw ValidationError("--baseline must be zeros, mean or a number, got '\(baseline)'")
        }
        guard noise >= 0, noise.isFinite else { throw ValidationError("--noise must be a non-negative number, got \(noise)") }
        guard output.lowercased().hasSuffix(".png") else { throw ValidationError("--output must name a .png file, got '\(output)'") }
    }

    var integrationMethod: IntegrationMethod? {
        ["gauss-legendre": .gaussLegendre, "riemann-left": .riemannLeft, "riemann-right": .riemannRight,
         "riemann-middle": .riemannMiddle, "riemann-trapezoid": .riemannTrapezoid][integration]
    }

    func run() throws {
        try NeuriteCommand.reportingErrors {
            let network = try ModelFile.load(model)
            let (input, description, mean) = try loadInput()
            let logits = withoutGradients { network(input) }
            guard logits.rank == 2, logits.shape[0] == 1 else {
                throw DatasetChoice.Problem(description: "\(model): the model gives outputs of shape \(logits.shape) for one input; explain needs class logits [1, C]")
            }
            let classes = logits.shape[1]
            if let target, !(0..<classes).contains(target) {
                throw DatasetChoice.Problem(description: "--target \(target) is not a class of the model (0 to \(classes - 1))")
            }
            let probabilities = softmax(logits, axis: 1).scalars
            let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
            let explained = target ?? ranked[0]
            print(description)
            print("top \(min(top, classes)): " + ranked.prefix(top).map { String(format: "%d (%.4f)", $0, probabilities[$0]) }.joined(separator: "  "))
            print(String(format: "explaining class %d (logit %.4f)", explained, logits.scalars[explained]))

            let panels = explanations(of: network, input: input, target: explained, mean: mean)
            let picture = ExplanationPicture.render(
                input: input[0], caption: String(format: "class %d  p %.3f", explained, probabilities[explained]), panels: panels,
                title: "Why class \(explained)")
            try picture.writePNG(to: output)
            print("wrote \(output)")
        }
    }

    /// The requested attributions, one panel each; integrated gradients also prints its check.
    private func explanations(of network: Module, input: Tensor, target: Int, mean: Tensor?) -> [ExplanationPanel] {
        let explainer = Explainer(network)
        let chosen = method == "all" ? Self.methods : [method]
        return chosen.map { name in
            switch name {
            case "saliency":
                return ExplanationPanel(title: "saliency", attribution: explainer.saliency(input, target: .index(target))[0], signed: false)
            case "gradient-input":
                return ExplanationPanel(title: "gradient x input", attribution: explainer.gradientTimesInput(input, target: .index(target))[0], signed: true)
            case "integrated-gradients":
                let reference: Baseline = baseline == "zeros" ? .zeros : baseline == "mean" ? .tensor(mean!) : .constant(Float(baseline)!)
                let result = explainer.integratedGradients(input, baseline: reference, target: .index(target), steps: steps, method: integrationMethod!)
                let (delta, change) = (result.convergenceDelta.scalars[0], result.outputDifference.scalars[0])
                print(String(format: "integrated gradients (%d steps, %@, baseline %@): attributions sum to %.4f, F(x) - F(baseline) = %.4f, delta %.2e (%.3f%%)",
                             steps, integration, baseline, change + delta, change, delta, abs(delta / change) * 100))
                return ExplanationPanel(title: "integrated gradients", attribution: result.attributions[0], signed: true,
                                        note: String(format: "delta %.1e", delta))
            case "smoothgrad":
                let map = explainer.smoothGrad(input, target: .index(target), samples: samples, noise: .relative(noise), seed: seed)
                return ExplanationPanel(title: "smoothgrad", attribution: map[0], signed: false)
            default:
                // Windows cover every channel and a square of the last two axes (a run of the
                // last axis for feature vectors).
                let sample = Array(input.shape.dropFirst())
                let side = window ?? max(1, (sample.last ?? 1) / 8)
                let step = stride ?? max(1, side / 2)
                let spatial = Set(sample.indices.suffix(2))
                let shape = sample.indices.map { spatial.contains($0) ? min(side, sample[$0]) : sample[$0] }
                let steps = sample.indices.map { spatial.contains($0) ? step : 1 }
                let map = explainer.occlusion(input, window: shape, strides: steps, target: .index(target))
                return ExplanationPanel(title: "occlusion", attribution: map[0], signed: true,
                                        note: "window \(shape.map(String.init).joined(separator: "x"))")
            }
        }
    }

    /// The input as a batch of one, shaped as the model expects, a line describing it, and (for
    /// `--baseline mean`) the training split's mean input in the same shape.
    private func loadInput() throws -> (Tensor, String, Tensor?) {
        let recorded = try recordedInputShape(of: model)
        var input: Tensor, description: String
        let needsData = image == nil || baseline == "mean"
        let data = needsData ? try DatasetChoice(name: dataset).load() : nil
        if let image {
            input = try PNGReader.readGrayscale(image).unsqueezed(axis: 0)
            description = "input: \(image) (\(input.shape[2])x\(input.shape[3]) pixels)"
        } else {
            let test = data!.test
            guard (0..<test.count).contains(index) else {
                throw DatasetChoice.Problem(description: "--index \(index) is out of range: the \(dataset) test split has \(test.count) samples")
            }
            input = test.inputs[index..<(index + 1)]
            description = "input: \(dataset) test sample \(index), label \(Int(test.targets.scalars[index]))"
        }
        var mean = data.map { $0.train.inputs.mean(axis: 0, keepDims: true) }
        if let recorded {
            for (name, tensor) in [(image ?? dataset, input), (dataset, mean)] {
                guard let tensor, tensor.scalarCount != recorded.reduce(1, *) else { continue }
                throw DatasetChoice.Problem(description: "\(name): an input of shape \(Array(tensor.shape.dropFirst())) does not fit the model's input shape \(recorded)")
            }
            input = input.reshaped([1] + recorded)
            mean = mean?.reshaped([1] + recorded)
        }
        guard baseline != "mean" || mean?.shape == input.shape else {
            throw DatasetChoice.Problem(description: "\(dataset): its mean input of shape \(mean?.shape ?? []) does not fit the input \(input.shape)")
        }
        return (input, description, mean)
    }
}
