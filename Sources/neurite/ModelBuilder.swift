import ArgumentParser
import Neurite

/// The MLP described by `neurite train`'s options: Flatten, then per hidden width Dense →
/// [BatchNorm] → activation → [Dropout], then residual blocks, then the output layer.
struct ModelBuilder {
    let options: Train

    func build(inputFeatures: Int, classes: Int) throws -> Sequential {
        var generator = PhiloxGenerator(seed: options.seed)
        let widths = try options.widths()
        let initializer = try self.initializer()
        var dropoutStream: UInt64 = 1
        func activation() throws -> Module {
            switch options.activation {
            case "relu": return ReLU()
            case "leaky-relu": return LeakyReLU()
            case "elu": return ELU()
            case "gelu": return GELU()
            case "silu": return SiLU()
            case "tanh": return Tanh()
            case "sigmoid": return Sigmoid()
            default: throw ValidationError("--activation must be relu, leaky-relu, elu, gelu, silu, tanh or sigmoid, got '\(options.activation)'")
            }
        }
        func dropout() -> Module? {
            guard options.dropout > 0 else { return nil }
            defer { dropoutStream += 1 }
            return Dropout(options.dropout, generator: PhiloxGenerator(seed: options.seed, stream: dropoutStream))
        }
        var layers: [Module] = [Flatten()]
        var width = inputFeatures
        for next in widths {
            layers.append(Dense(width, next, initializer: initializer, generator: &generator))
            if options.batchNorm { layers.append(BatchNorm(next)) }
            layers.append(try activation())
            if let dropout = dropout() { layers.append(dropout) }
            width = next
        }
        for _ in 0..<options.residualBlocks {
            layers.append(Residual(Sequential([Dense(width, width, initializer: initializer, generator: &generator), try activation()])))
        }
        layers.append(Dense(width, classes, initializer: initializer, generator: &generator))
        return Sequential(layers)
    }

    private func initializer() throws -> Initializer? {
        switch options.initializer {
        case "pytorch": return nil
        case "xavier-uniform": return .xavierUniform()
        case "xavier-normal": return .xavierNormal()
        case "kaiming-uniform": return .kaimingUniform(nonlinearity: .relu)
        case "kaiming-normal": return .kaimingNormal(nonlinearity: .relu)
        case "orthogonal": return .orthogonal()
        default: throw ValidationError("--initializer must be pytorch, xavier-uniform, xavier-normal, kaiming-uniform, kaiming-normal or orthogonal, got '\(options.initializer)'")
        }
    }
}
