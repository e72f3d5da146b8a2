import ArgumentParser
import Neurite

// The command line's choices as types: the parser lists them in the help, rejects anything else
// with the list, and the commands switch over cases instead of strings.

/// `--activation`.
enum ActivationChoice: String, CaseIterable, ExpressibleByArgument {
    case relu
    case leakyRelu = "leaky-relu"
    case prelu, elu, gelu, silu, hardswish, tanh, sigmoid

    func makeLayer() -> Module {
        switch self {
        case .relu: ReLU()
        case .leakyRelu: LeakyReLU()
        case .prelu: PReLU()
        case .elu: ELU()
        case .gelu: GELU()
        case .silu: SiLU()
        case .hardswish: Hardswish()
        case .tanh: Tanh()
        case .sigmoid: Sigmoid()
        }
    }
}

/// `--architecture`: the network `neurite train` builds when no `--model` is given.
enum ArchitectureChoice: String, CaseIterable, ExpressibleByArgument {
    /// Dense layers of `--hidden` widths.
    case mlp
    /// conv(32, 3×3)-ReLU-maxpool-conv(64, 3×3)-ReLU-maxpool-Dense(128)-ReLU-Dense(classes).
    case cnn
    /// A small residual network: a 3×3 stem, three basic blocks (32, 64 and 128 channels, the last
    /// two halving the size), global average pooling and one Dense layer.
    case resnet
    /// For texts: the mean of the embeddings of the words and n-grams, then one Dense layer.
    case fasttext
    /// For texts: word embeddings, a convolution over the sequence, the maximum over time, one
    /// Dense layer.
    case textcnn
}

/// `--initializer`.
enum InitializerChoice: String, CaseIterable, ExpressibleByArgument {
    case pytorch
    case xavierUniform = "xavier-uniform"
    case xavierNormal = "xavier-normal"
    case kaimingUniform = "kaiming-uniform"
    case kaimingNormal = "kaiming-normal"
    case orthogonal

    /// nil: PyTorch's default for each layer.
    var initializer: Initializer? {
        switch self {
        case .pytorch: nil
        case .xavierUniform: .xavierUniform()
        case .xavierNormal: .xavierNormal()
        case .kaimingUniform: .kaimingUniform(nonlinearity: .relu)
        case .kaimingNormal: .kaimingNormal(nonlinearity: .relu)
        case .orthogonal: .orthogonal()
        }
    }
}

/// `--optimizer`, with the hyper-parameters the command line sets.
enum OptimizerChoice: String, CaseIterable, ExpressibleByArgument {
    case sgd, adam, adamw, rmsprop, adagrad

    /// The optimiser's settings, checked before any data is read; `make` builds it.
    struct Configuration {
        let choice: OptimizerChoice
        let learningRate: Float, momentum: Float, weightDecay: Float

        func validate() throws(OptimizerConfigurationError) {
            switch choice {
            case .sgd: try sgd.validate()
            case .adam, .adamw: try adam.validate()
            case .rmsprop: try rmsprop.validate()
            case .adagrad: try adagrad.validate()
            }
        }

        func make(_ parameters: [Parameter]) throws -> Optimizer {
            let groups = [ParameterGroup(parameters)]
            switch choice {
            case .sgd: return try SGD(groups, settings: sgd)
            case .adam: return try Adam(groups, settings: adam)
            case .adamw: return try AdamW(groups, settings: adam)
            case .rmsprop: return try RMSprop(groups, settings: rmsprop)
            case .adagrad: return try Adagrad(groups, settings: adagrad)
            }
        }

        private var sgd: SGD.Settings { SGD.Settings(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay) }
        private var adam: Adam.Settings {
            Adam.Settings(learningRate: learningRate, weightDecay: weightDecay, decoupledWeightDecay: choice == .adamw)
        }
        private var rmsprop: RMSprop.Settings { RMSprop.Settings(learningRate: learningRate, weightDecay: weightDecay, momentum: momentum) }
        private var adagrad: Adagrad.Settings { Adagrad.Settings(learningRate: learningRate, weightDecay: weightDecay) }
    }
}

/// `--schedule`: `constant`, `cosine`, `step:EPOCHS` (halves the rate every EPOCHS) or `one-cycle`.
enum ScheduleChoice: ExpressibleByArgument, Equatable {
    case constant, cosine
    case step(epochs: Int)
    case oneCycle

    init?(argument: String) {
        switch argument {
        case "constant": self = .constant
        case "cosine": self = .cosine
        case "one-cycle": self = .oneCycle
        default:
            guard argument.hasPrefix("step:"), let epochs = Int(argument.dropFirst(5)), epochs > 0 else { return nil }
            self = .step(epochs: epochs)
        }
    }

    static var allValueStrings: [String] { ["constant", "cosine", "step:EPOCHS", "one-cycle"] }
    var defaultValueDescription: String { self == .constant ? "constant" : "\(self)" }

    /// The scheduler for a run of `epochs` epochs of `batchesPerEpoch` batches; nil for constant.
    func makeScheduler(_ optimizer: Optimizer, epochs: Int, batchesPerEpoch: Int, maximumRate: Float) -> LearningRateScheduler? {
        switch self {
        case .constant: nil
        case .cosine: LearningRateScheduler(optimizer, schedule: CosineAnnealing(period: epochs))
        case .step(let size): LearningRateScheduler(optimizer, schedule: StepDecay(stepSize: size, gamma: 0.5))
        case .oneCycle: LearningRateScheduler(optimizer, schedule: OneCycle(maxRate: Double(maximumRate), totalSteps: epochs * batchesPerEpoch))
        }
    }
}

/// One `--augment` step.
enum AugmentationChoice: String, CaseIterable {
    case flip, crop, rotate, noise, cutout
    /// EDA's operations, for texts.
    case synonyms, insert, swap, delete

    /// The EDA operation, for the text choices.
    var textOperation: TextAugmentation.Operation? { TextAugmentation.Operation(rawValue: rawValue) }

    /// The augmentation for images of `height × width` pixels (nil for the text choices).
    func augmentation(height: Int, width: Int) -> Augmentation? {
        switch self {
        case .flip: .horizontalFlip()
        case .crop: .randomCrop(padding: 2)
        case .rotate: .rotation(degrees: 10)
        case .noise: .gaussianNoise(standardDeviation: 0.05)
        case .cutout: .cutout(size: max(1, min(height, width) / 4))
        case .synonyms, .insert, .swap, .delete: nil
        }
    }
}

/// `--augment flip,crop`: augmentations in the order given.
struct AugmentationList: ExpressibleByArgument {
    let steps: [AugmentationChoice]

    init?(argument: String) {
        let steps = argument.split(separator: ",").map { AugmentationChoice(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        guard !steps.isEmpty, steps.allSatisfy({ $0 != nil }) else { return nil }
        self.steps = steps.map { $0! }
    }

    static var allValueStrings: [String] { AugmentationChoice.allCases.map(\.rawValue) }
}

/// Positive integers separated by commas: `--hidden 256,128`, `--input-shape 1,28,28`. Options
/// of this type parse with `PositiveIntegers.parse`, whose error says what was expected.
struct PositiveIntegers: CustomStringConvertible {
    let values: [Int]

    init(_ values: [Int]) { self.values = values }

    /// The integers in `text`, or nil unless it is positive integers separated by commas.
    init?(parsing text: String) {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        self.values = values.map { $0! }
    }

    @Sendable static func parse(_ text: String) throws -> PositiveIntegers {
        guard let parsed = PositiveIntegers(parsing: text) else { throw CommandError("expected positive integers separated by commas") }
        return parsed
    }

    var description: String { values.map(String.init).joined(separator: ",") }
}

/// `neurite explain --method`.
enum AttributionChoice: String, CaseIterable, ExpressibleByArgument {
    case saliency
    case gradientInput = "gradient-input"
    case integratedGradients = "integrated-gradients"
    case smoothgrad, occlusion
    /// Grad-CAM on the last layer that gives feature maps (convolutional networks only).
    case gradcam
    case all

    /// The methods this choice runs, in the order the picture shows them (`all` includes Grad-CAM
    /// when the model has feature maps).
    var methods: [AttributionChoice] {
        self == .all ? [.saliency, .gradientInput, .integratedGradients, .smoothgrad, .occlusion, .gradcam] : [self]
    }
}

/// `neurite explain --integration`.
enum IntegrationChoice: String, CaseIterable, ExpressibleByArgument {
    case gaussLegendre = "gauss-legendre"
    case riemannLeft = "riemann-left"
    case riemannRight = "riemann-right"
    case riemannMiddle = "riemann-middle"
    case riemannTrapezoid = "riemann-trapezoid"

    var method: IntegrationMethod {
        switch self {
        case .gaussLegendre: .gaussLegendre
        case .riemannLeft: .riemannLeft
        case .riemannRight: .riemannRight
        case .riemannMiddle: .riemannMiddle
        case .riemannTrapezoid: .riemannTrapezoid
        }
    }

    /// The fewest steps the rule needs.
    var minimumSteps: Int { self == .riemannTrapezoid ? 2 : 1 }
}

/// `neurite explain --baseline`: `zeros`, `mean` (the training split's mean input) or a number.
enum BaselineChoice: ExpressibleByArgument, CustomStringConvertible {
    case zeros, mean
    case constant(Float)

    init?(argument: String) {
        switch argument {
        case "zeros": self = .zeros
        case "mean": self = .mean
        default:
            guard let value = Float(argument), value.isFinite else { return nil }
            self = .constant(value)
        }
    }

    static var allValueStrings: [String] { ["zeros", "mean", "NUMBER"] }

    var description: String {
        switch self {
        case .zeros: "zeros"
        case .mean: "mean"
        case .constant(let value): "\(value)"
        }
    }
    var defaultValueDescription: String { description }
}

/// `neurite predict --output-kind`: what each row of the output holds.
enum OutputKindChoice: String, CaseIterable, ExpressibleByArgument {
    /// Class probabilities, with the predicted class: softmax of the outputs, or the outputs as
    /// they are for a model that ends in `Softmax` (exp for `LogSoftmax`).
    case probabilities
    /// The raw outputs, with the predicted class (their argmax).
    case logits
    /// The raw outputs alone (regression).
    case values

    /// The kind that fits `network`: values for one output per sample, probabilities otherwise.
    static func `default`(for network: Module, outputWidth: Int) -> OutputKindChoice {
        outputWidth == 1 ? .values : .probabilities
    }

    /// The layer that produces `network`'s output: the last layer of nested `Sequential`s.
    static func finalLayer(of network: Module) -> Module {
        guard let sequential = network as? Sequential, let last = sequential.layers.last else { return network }
        return finalLayer(of: last)
    }

    /// `outputs` `[N, C]` turned into what this kind writes.
    func rows(from outputs: Tensor, network: Module) -> Tensor {
        guard self == .probabilities else { return outputs }
        switch Self.finalLayer(of: network) {
        case let layer as Softmax where layer.axis == 1 || layer.axis == -1: return outputs
        case let layer as LogSoftmax where layer.axis == 1 || layer.axis == -1: return exp(outputs)
        default: return softmax(outputs, axis: 1)
        }
    }

    /// The CSV header's name for column `index`.
    func columnName(_ index: Int) -> String {
        switch self {
        case .probabilities: "p\(index)"
        case .logits: "logit\(index)"
        case .values: "value\(index)"
        }
    }
}
