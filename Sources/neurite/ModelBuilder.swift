import Neurite

/// The MLP described by `neurite train`'s options: Flatten, then per hidden width Dense →
/// [BatchNorm] → activation → [Dropout], then residual blocks, then the output layer.
struct ModelBuilder {
    let options: Train

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
