import Neurite

/// The MLP described by `neurite train`'s options: Flatten, then per hidden width Dense →
/// [BatchNorm] → activation → [Dropout], then residual blocks, then the output layer.
struct ModelBuilder {
    let options: Train

    func build(inputFeatures: Int, classes: Int) -> Sequential {
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
