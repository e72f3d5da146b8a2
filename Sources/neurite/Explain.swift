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

            A model trained on texts explains --text "…": the top classes by name, then integrated \
            gradients on the embeddings per word (with its character n-grams), red raising the class \
            and blue lowering it on a terminal (signed numbers otherwise), and the strongest tokens.

            Examples:
              neurite explain --model neurite-run/model.safetensors --index 3
              neurite explain --model langid-run/model.safetensors --text "Wer reitet so spät durch Nacht und Wind?"
              neurite explain --model run/model.safetensors --dataset fashion-mnist --index 0 --method integrated-gradients
              neurite explain --model run/model.safetensors --image digit.png --output digit-explained.png
            """)

    @OptionGroup var saved: ModelOptions
    @OptionGroup(title: "Data (the test split --index picks from, and the --baseline mean)") var data: DatasetOptions
    @Option(help: "The test sample to explain.")
    var index = 0
    @Option(help: "A PNG image to explain instead of a data set sample (grayscale, scaled to [0, 1]).")
    var image: String?
    @Option(help: "A text to explain, for a model trained on texts: integrated gradients of each word and n-gram.")
    var text: String?
    @Option(help: "The attribution method, or all of them.")
    var method = AttributionChoice.all
    @Option(help: "The class to explain (default: the predicted one).")
    var target: Int?
    @Option(help: "Integrated gradients: the number of steps.")
    var steps = 64
    @Option(help: "Integrated gradients: the baseline, zeros, mean (the training split's mean input) or a number.")
    var baseline = BaselineChoice.zeros
    @Option(help: "Integrated gradients: the quadrature rule.")
    var integration = IntegrationChoice.gaussLegendre
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

    /// Far above any useful value; a typo such as `--steps 1000000000000` gets an error instead of
    /// hours of work or an allocation that cannot succeed.
    static let maximumSteps = 100_000, maximumSide = 1 << 20

    func validate() throws {
        for (name, value, least, most) in [
            ("--steps", steps, integration.minimumSteps, Self.maximumSteps), ("--samples", samples, 1, Self.maximumSteps),
            ("--top", top, 1, Int.max), ("--window", window ?? 1, 1, Self.maximumSide), ("--stride", stride ?? 1, 1, Self.maximumSide),
        ] {
            if value < least { throw ValidationError("\(name) must be at least \(least), got \(value)") }
            if value > most { throw ValidationError("\(name) must be at most \(most), got \(value)") }
        }
        guard index >= 0 else { throw ValidationError("--index must not be negative, got \(index)") }
        guard noise >= 0, noise.isFinite else { throw ValidationError("--noise must be a non-negative number, got \(noise)") }
        guard output.lowercased().hasSuffix(".png") else { throw ValidationError("--output must name a .png file, got '\(output)'") }
    }

    func run() throws {
        try NeuriteCommand.reportingErrors {
            let model = try saved.load()
            if let reader = model.text {
                guard let text else { throw CommandError("\(saved.model): the model reads texts; give --text \"…\"") }
                return try explainText(text, model: model, reader: reader)
            }
            if text != nil { throw CommandError("--text: \(saved.model) reads images or tables, not texts") }
            let network = model.network
            let (input, description, mean) = try loadInput(for: model)
            let logits = withoutGradients { network(input) }
            guard logits.rank == 2, logits.shape[0] == 1 else {
                throw CommandError(
                    "\(saved.model): the model gives outputs of shape \(logits.shape) for one input; explain needs class logits [1, C]")
            }
            let (probabilities, ranked, explained) = try rankedClasses(logits)
            let classes = probabilities.count
            print(description)
            print(
                "top \(min(top, classes)): "
                    + ranked.prefix(top).map { String(format: "%@ (%.4f)", model.className($0), probabilities[$0]) }.joined(separator: "  "))
            // With names: "explaining class 5, Sandal (logit …)"; the number stays for --target.
            let named = model.classNames == nil ? "" : ", \(model.className(explained))"
            print(String(format: "explaining class %d%@ (logit %.4f)", explained, named, logits.scalars[explained]))

            let panels = try explanations(of: network, input: input, target: explained, mean: mean)
            let picture = ExplanationPicture.render(
                input: input[0], caption: String(format: "%@  p %.3f", model.className(explained), probabilities[explained]), panels: panels,
                title: model.classNames == nil ? "Why class \(explained)" : "Why \(model.className(explained))")
            try picture.writePNG(to: output)
            print("wrote \(output)")
        }
    }

    /// The class probabilities of one input's logits `[1, C]`, the classes from the most likely
    /// down, and the class to explain (`--target`, checked, or the most likely).
    private func rankedClasses(_ logits: Tensor) throws -> (probabilities: [Float], ranked: [Int], explained: Int) {
        let classes = logits.shape[1]
        if let target, !(0..<classes).contains(target) {
            throw CommandError("--target \(target) is not a class of the model (0 to \(classes - 1))")
        }
        let probabilities = softmax(logits, axis: 1).scalars
        let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        return (probabilities, ranked, target ?? ranked[0])
    }

    /// A text's explanation, printed: the top classes by name, then integrated gradients on the
    /// embeddings (zero baseline, `--steps` midpoints) per word — each word's own id plus its
    /// character n-grams, and its share of each word n-gram it is in — coloured on a terminal (red
    /// raises the class, blue lowers it) and marked with signed numbers otherwise, then the
    /// strongest tokens.
    private func explainText(_ text: String, model: SavedModel, reader: TextModelMetadata) throws {
        guard let network = model.network as? Sequential, let bag = network.layers.first as? EmbeddingBag, bag.mode != .max else {
            throw CommandError("\(saved.model): explaining texts needs a model that starts with an EmbeddingBag (sum or mean)")
        }
        let encoder = reader.encoder
        let ids = encoder.encode(text)
        let tokens = encoder.tokens(text)
        let input = TextDataset(texts: [text], labels: [0], encoder: encoder).batch(at: [0]).inputs
        let logits = withoutGradients { network(input) }
        let (probabilities, ranked, explained) = try rankedClasses(logits)
        let classes = probabilities.count
        func name(_ index: Int) -> String { index < reader.classes.count ? reader.classes[index] : "\(index)" }
        print(
            "top \(min(top, classes)): " + ranked.prefix(top).map { String(format: "%@ (%.4f)", name($0), probabilities[$0]) }.joined(separator: "  ")
        )
        guard !ids.isEmpty else {
            print("the text has no words: nothing to attribute")
            return
        }
        let (attributions, delta) = embeddingIntegratedGradients(network, ids: ids, target: explained, steps: steps)
        print(
            String(
                format: "explaining %@ (logit %.4f): integrated gradients on the embeddings, %d steps, delta %.2e", name(explained),
                logits.scalars[explained], steps, delta))
        // Per word: its id, its character n-grams (in `tokens` after the word n-grams, word by
        // word), half of each bigram it is in.
        let words = encoder.tokenizer.words(text)
        var perWord = Array(attributions.prefix(words.count))
        var position = words.count
        // Word n-grams in `Tokenizer.wordNgrams(of:)`'s order: by length, then by start.
        if encoder.buckets > 0 && encoder.tokenizer.wordNgrams >= 2 {
            for size in 2...encoder.tokenizer.wordNgrams where size <= words.count {
                for start in 0...(words.count - size) where position < attributions.count {
                    for word in start..<start + size { perWord[word] += attributions[position] / Float(size) }
                    position += 1
                }
            }
        }
        for (index, word) in words.enumerated() where encoder.buckets > 0 {
            for _ in encoder.tokenizer.characterNgrams(of: word) where position < attributions.count {
                perWord[index] += attributions[position]
                position += 1
            }
        }
        let colour = isatty(1) != 0
        let line = zip(words, perWord).map { word, value -> String in
            guard colour else { return String(format: "%@(%+.3f)", word, value) }
            return (value >= 0 ? "\u{1B}[31m" : "\u{1B}[34m") + word + "\u{1B}[0m"
        }
        print(line.joined(separator: " "))
        let strongest = attributions.indices.sorted { abs(attributions[$0]) > abs(attributions[$1]) }.prefix(8)
        print("strongest: " + strongest.map { String(format: "\"%@\" %+.3f", tokens[$0], attributions[$0]) }.joined(separator: "  "))
    }

    /// Grad-CAM's layer: the last one that gives feature maps `[1, C, h, w]` and is not a pooling
    /// (the finest maps that have seen the most: the last convolution's activation); nil when the
    /// input is not an image or no layer gives maps. Costs one forward pass.
    private func gradCAMLayer(of network: Module, input: Tensor) -> String? {
        guard input.rank == 4 else { return nil }
        let modules = Dictionary(network.namedModules.map { ($0.name, $0.module) }, uniquingKeysWith: { first, _ in first })
        let activations = network.activations(for: input, layers: network.leafLayerNames).activations
        return activations.names.last { activations[$0]?.rank == 4 && !(modules[$0]?.typeName.contains("Pool") ?? true) }
    }

    /// The requested attributions, one panel each; integrated gradients also prints its check.
    private func explanations(of network: Module, input: Tensor, target: Int, mean: Tensor?) throws -> [ExplanationPanel] {
        let explainer = Explainer(network)
        let mapLayer = method.methods.contains(.gradcam) ? gradCAMLayer(of: network, input: input) : nil
        if method == .gradcam && mapLayer == nil {
            throw CommandError("--method gradcam needs a model with convolutional feature maps; \(saved.model) has none")
        }
        let methods = method.methods.filter { $0 != .gradcam || mapLayer != nil }
        return methods.map { method in
            switch method {
            case .gradcam:
                let gradCAM = GradCAM(model: network, layer: mapLayer!, inputs: input, target: .index(target))
                let size = Array(input.shape.suffix(2))
                print("grad-cam on layer \(mapLayer!) (\(gradCAM.map.shape[2])x\(gradCAM.map.shape[3]) maps, upsampled bilinearly)")
                return ExplanationPanel(
                    title: "grad-cam", attribution: gradCAM.upsampled(to: size, mode: .bilinear)[0], signed: true, note: "layer \(mapLayer!)")
            case .saliency:
                return ExplanationPanel(title: "saliency", attribution: explainer.saliency(input, target: .index(target))[0], signed: false)
            case .gradientInput:
                return ExplanationPanel(
                    title: "gradient x input", attribution: explainer.gradientTimesInput(input, target: .index(target))[0], signed: true)
            case .integratedGradients:
                let reference: Baseline =
                    switch baseline {
                    case .zeros: .zeros
                    case .mean: .tensor(mean!)
                    case .constant(let value): .constant(value)
                    }
                let result = explainer.integratedGradients(
                    input, baseline: reference, target: .index(target), steps: steps, method: integration.method)
                let (delta, change) = (result.convergenceDelta.scalars[0], result.outputDifference.scalars[0])
                print(
                    String(
                        format:
                            "integrated gradients (%d steps, %@, baseline %@): attributions sum to %.4f, F(x) - F(baseline) = %.4f, delta %.2e (%.3f%%)",
                        steps, integration.rawValue, "\(baseline)", change + delta, change, delta, abs(delta / change) * 100))
                return ExplanationPanel(
                    title: "integrated gradients", attribution: result.attributions[0], signed: true,
                    note: String(format: "delta %.1e", delta))
            case .smoothgrad:
                let map = explainer.smoothGrad(input, target: .index(target), samples: samples, noise: .relative(noise), seed: seed)
                return ExplanationPanel(title: "smoothgrad", attribution: map[0], signed: false)
            case .occlusion, .all:
                // Windows cover every channel and a square of the last two axes (a run of the
                // last axis for feature vectors).
                let sample = Array(input.shape.dropFirst())
                let side = window ?? max(1, (sample.last ?? 1) / 8)
                let step = stride ?? max(1, side / 2)
                let spatial = Set(sample.indices.suffix(2))
                let shape = sample.indices.map { spatial.contains($0) ? min(side, sample[$0]) : sample[$0] }
                let steps = sample.indices.map { spatial.contains($0) ? step : 1 }
                let map = explainer.occlusion(input, window: shape, strides: steps, target: .index(target))
                return ExplanationPanel(
                    title: "occlusion", attribution: map[0], signed: true,
                    note: "window \(shape.map(String.init).joined(separator: "x"))")
            }
        }
    }

    /// The input as a batch of one, shaped as `model` expects, a line describing it, and (for
    /// `--baseline mean`) the training split's mean input in the same shape.
    private func loadInput(for model: SavedModel) throws -> (Tensor, String, Tensor?) {
        let dataset = data.dataset
        var needsMean = false
        if case .mean = baseline { needsMean = true }
        let splits = image == nil || needsMean ? try dataset.load() : nil
        let input: Tensor, description: String
        if let image {
            let picture = try PNGReader.readGrayscale(image)
            input = try model.shaped(picture.unsqueezed(axis: 0), from: image)
            description = "input: \(image) (\(picture.shape[1])x\(picture.shape[2]) pixels)"
        } else {
            let test = splits!.test
            guard (0..<test.count).contains(index) else {
                throw CommandError("--index \(index) is out of range: the \(dataset) test split has \(test.count) samples")
            }
            input = try model.shaped(test.inputs[index..<(index + 1)], from: "\(dataset)")
            description = "input: \(dataset) test sample \(index), label \(model.className(Int(test.targets.scalars[index])))"
        }
        guard needsMean, let train = splits?.train else { return (input, description, nil) }
        let mean = try model.shaped(train.inputs.mean(axis: 0, keepDims: true), from: "\(dataset)")
        guard mean.shape == input.shape else {
            throw CommandError("\(dataset): its mean input of shape \(mean.shape) does not fit the input \(input.shape)")
        }
        return (input, description, mean)
    }
}
