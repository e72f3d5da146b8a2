import Neurite

/// The network `neurite train`'s options describe (`--architecture`).
struct ModelBuilder {
    let options: Train

    /// The network for samples of `sampleShape` and `classes` outputs.
    func build(sampleShape: [Int], classes: Int, dataset: String) throws -> Sequential {
        switch options.network {
        case .fasttext, .textcnn:
            throw CommandError(
                "--architecture \(options.network.rawValue) reads texts; \(dataset) holds samples of shape \(sampleShape) (use mlp, cnn or resnet)")
        case .mlp:
            guard let features = SizeLimit.elementCount(sampleShape) else { throw CommandError("\(dataset): samples too large") }
            return try build(inputFeatures: features, classes: classes)
        case .cnn, .resnet:
            guard sampleShape.count == 3, sampleShape[1] >= 4, sampleShape[2] >= 4 else {
                throw CommandError(
                    "--architecture \(options.network.rawValue) needs images [C, H, W] of at least 4×4; \(dataset) has samples of shape \(sampleShape)"
                )
            }
            return options.network == .cnn ? try convolutional(sampleShape, classes: classes) : residual(sampleShape, classes: classes)
        }
    }

    /// The network for texts that `encoder` reads: `fastTextClassifier` or
    /// `textConvolutionalClassifier`.
    func textModel(encoder: TextEncoder, classes: Int, dataset: String) throws -> Sequential {
        guard options.network == .fasttext || options.network == .textcnn else {
            throw CommandError("--architecture \(options.network.rawValue) reads images or tables; \(dataset) holds texts (use fasttext or textcnn)")
        }
        let dimension = options.text.dimension
        do {
            try EmbeddingBag.Configuration(rowCount: encoder.idCount, dimension: dimension).validate()
        } catch {
            throw CommandError("\(dataset): an embedding table of \(encoder.idCount) ids × \(dimension): \(error) (try fewer --buckets)")
        }
        var generator = PhiloxGenerator(seed: options.seed)
        if options.network == .textcnn {
            return textConvolutionalClassifier(idCount: encoder.idCount, dimension: dimension, classes: classes, generator: &generator)
        }
        return fastTextClassifier(idCount: encoder.idCount, dimension: dimension, classes: classes, generator: &generator)
    }

    /// The 2-conv network: conv(C→32, 3×3, pad 1) → [BatchNorm] → activation → maxpool 2 →
    /// conv(32→64) → [BatchNorm] → activation → maxpool 2 → Flatten → Dense(64·H/4·W/4 → 128) →
    /// activation → [Dropout] → Dense(128 → classes).
    /// - Throws: before allocating anything, when the dense head for these images would exceed
    ///   `SizeLimit` (the flattened maps grow with the image).
    func convolutional(_ shape: [Int], classes: Int) throws -> Sequential {
        let flattened = 64 * (shape[1] / 4) * (shape[2] / 4)
        do {
            try Dense.Configuration(inFeatures: flattened, outFeatures: 128).validate()
        } catch {
            throw CommandError("--architecture cnn: images of \(shape[1])×\(shape[2]) need a Dense layer \(flattened) => 128: \(error)")
        }
        var generator = PhiloxGenerator(seed: options.seed)
        let initializer = options.initializer.initializer
        var layers: [Module] = []
        var channels = shape[0]
        for width in [32, 64] {
            layers.append(Conv2D(channels, width, kernelSize: 3, padding: 1, initializer: initializer, generator: &generator))
            if options.batchNorm { layers.append(BatchNorm(width)) }
            layers += [options.activation.makeLayer(), MaxPool2D(kernelSize: 2)]
            channels = width
        }
        layers += [Flatten(), Dense(flattened, 128, initializer: initializer, generator: &generator), options.activation.makeLayer()]
        if options.dropout > 0 { layers.append(Dropout(options.dropout, generator: PhiloxGenerator(seed: options.seed, stream: 1))) }
        layers.append(Dense(128, classes, initializer: initializer, generator: &generator))
        return Sequential(layers)
    }

    /// A small ResNet: conv(C→32, 3×3) → BatchNorm → activation, basic blocks 32 → 32, 32 → 64
    /// (stride 2) and 64 → 128 (stride 2), global average pooling, [Dropout], Dense(128 → classes).
    func residual(_ shape: [Int], classes: Int) -> Sequential {
        var generator = PhiloxGenerator(seed: options.seed)
        var layers: [Module] = [
            Conv2D(shape[0], 32, kernelSize: 3, padding: 1, bias: false, generator: &generator), BatchNorm(32),
            options.activation.makeLayer(),
        ]
        for (input, output, stride) in [(32, 32, 1), (32, 64, 2), (64, 128, 2)] {
            layers.append(BasicBlock(input, output, stride: stride, generator: &generator))
        }
        layers += [AdaptiveAvgPool2D(outputSize: 1), Flatten()]
        if options.dropout > 0 { layers.append(Dropout(options.dropout, generator: PhiloxGenerator(seed: options.seed, stream: 1))) }
        layers.append(Dense(128, classes, generator: &generator))
        return Sequential(layers)
    }

    /// - Throws: before allocating anything, when a layer would exceed `SizeLimit` (a typo such
    ///   as `--hidden 1000000000`), saying how much memory it would need.
    func build(inputFeatures: Int, classes: Int) throws -> Sequential {
        let widths =
            [inputFeatures] + options.hidden.values + Array(repeating: options.hidden.values.last!, count: options.residualBlocks) + [classes]
        for (input, output) in zip(widths, widths.dropFirst()) {
            do {
                try Dense.Configuration(inFeatures: input, outFeatures: output).validate()
            } catch {
                throw CommandError("--hidden: a Dense layer \(input) => \(output): \(error)")
            }
        }
        var generator = PhiloxGenerator(seed: options.seed)
        let initializer = options.initializer.initializer
        var dropoutStream: UInt64 = 1
        func dropout() -> Module? {
            guard options.dropout > 0 else { return nil }
            defer { dropoutStream += 1 }
            return Dropout(options.dropout, generator: PhiloxGenerator(seed: options.seed, stream: dropoutStream))
        }
        var layers: [Module] = [Flatten()]
        var width = inputFeatures
        for next in options.hidden.values {
            layers.append(Dense(width, next, initializer: initializer, generator: &generator))
            if options.batchNorm { layers.append(BatchNorm(next)) }
            layers.append(options.activation.makeLayer())
            if let dropout = dropout() { layers.append(dropout) }
            width = next
        }
        for _ in 0..<options.residualBlocks {
            layers.append(
                Residual(Sequential([Dense(width, width, initializer: initializer, generator: &generator), options.activation.makeLayer()])))
        }
        layers.append(Dense(width, classes, initializer: initializer, generator: &generator))
        return Sequential(layers)
    }
}
