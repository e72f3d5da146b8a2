import ArgumentParser
import Foundation
import Neurite

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a network on a data set and save it.",
        discussion: """
        Writes to the output directory: model.safetensors (weights and architecture), history.csv, \
        checkpoint.safetensors after every epoch, and pictures: learning-curves.png, confusion-matrix.png, \
        and for images samples.png and first-layer-weights.png. The last line printed is the test \
        accuracy and loss. \
        The same seed gives the same model file, byte for byte.

        Examples:
          neurite train
          neurite train --dataset fashion-mnist --hidden 256,128 --epochs 15 --batch-size 128 --learning-rate 1e-3
          neurite train --dataset csv:data.csv --hidden 64 --dropout 0.2 --early-stopping 5 --output run1
          neurite train --output run1 --resume
        """)

    @Option(help: "digits, fashion-mnist, mnist, idx:DIR, csv:FILE (label last) or npy:X,Y.")
    var dataset = "digits"
    @Option(help: "Hidden layer widths, comma-separated.")
    var hidden = "256"
    @Option(help: "A model description (JSON, as `neurite import` reads) to train instead of the MLP the options describe.")
    var model: String?
    @Option(help: "relu, leaky-relu, elu, gelu, silu, tanh or sigmoid.")
    var activation = "relu"
    @Option(help: "Dropout probability after each hidden layer.")
    var dropout: Float = 0
    @Flag(help: "Batch normalisation after each hidden layer.")
    var batchNorm = false
    @Option(help: "Residual blocks appended after the hidden layers.")
    var residualBlocks = 0
    @Option(help: "Weight initialisation: pytorch, xavier-uniform, xavier-normal, kaiming-uniform, kaiming-normal or orthogonal.")
    var initializer = "pytorch"
    @Option(help: "sgd, adam, adamw, rmsprop or adagrad.")
    var optimizer = "adam"
    @Option(help: "Learning rate.")
    var learningRate: Float = 3e-3
    @Option(help: "Momentum for sgd and rmsprop.")
    var momentum: Float = 0.9
    @Option(help: "Weight decay (decoupled for adamw, L2 otherwise).")
    var weightDecay: Float = 0
    @Option(help: "constant, cosine, step:EPOCHS (halves the rate) or one-cycle.")
    var schedule = "constant"
    @Option(help: "Clip the global gradient norm to this value.")
    var clipNorm: Float?
    @Option(help: "Augmentations, comma-separated: flip, crop, rotate, noise, cutout (images only).")
    var augment: String?
    @Option(help: "Stop after this many epochs without a better validation loss, restoring the best weights.")
    var earlyStopping: Int?
    @Option(help: "Fraction of the training data held out for validation.")
    var validationSplit: Double = 0.1
    @Option(help: "Passes over the training data.")
    var epochs = 40
    @Option(help: "Samples per batch.")
    var batchSize = 32
    @Option(help: "Seed for initialisation, shuffling, dropout and augmentation.")
    var seed: UInt64 = 1
    @Option(help: "Threads for the kernels (default: all cores).")
    var threads: Int?
    @Option(help: "Directory for the model, history and checkpoint.")
    var output = "neurite-run"
    @Flag(help: "Continue from the checkpoint in the output directory.")
    var resume = false
    @Flag(help: "Print only the final line.")
    var quiet = false

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1), got \(dropout)") }
        guard (0..<1).contains(validationSplit) else { throw ValidationError("--validation-split must be in [0, 1), got \(validationSplit)") }
        guard learningRate > 0 else { throw ValidationError("--learning-rate must be positive, got \(learningRate)") }
        guard residualBlocks >= 0 else { throw ValidationError("--residual-blocks must not be negative") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        _ = try widths()
    }

    func widths() throws -> [Int] {
        let parts = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--hidden expects positive widths separated by commas, got '\(hidden)'")
        }
        return parts.map { $0! }
    }

    func run() throws {
        try NeuriteCommand.reportingErrors {
            if let threads { Threading.maximumThreads = threads }
            let (fullTrain, test, classes) = try DatasetChoice(name: dataset).load()
            let (train, validation) = validationSplit > 0 ? fullTrain.split(fraction: 1 - validationSplit, seed: seed) : (fullTrain, nil)
            let sampleShape = Array(train.inputs.shape.dropFirst())
            let model: Sequential
            if let description = self.model {
                var generator = PhiloxGenerator(seed: seed)
                let built = try DescriptionFile.build(description, generator: &generator)
                guard let sequential = built as? Sequential else {
                    throw DatasetChoice.Problem(description: "\(description): the top-level layer must be a Sequential")
                }
                let probe = withoutGradients { sequential.eval(); defer { sequential.train() }; return sequential(train.batch(at: [0]).inputs) }
                guard probe.shape == [1, classes] else {
                    throw DatasetChoice.Problem(description: "\(description): the model gives outputs of shape \(probe.shape) for one sample; the data set needs [1, \(classes)]")
                }
                model = sequential
            } else {
                model = try ModelBuilder(options: self).build(inputFeatures: sampleShape.reduce(1, *), classes: classes)
            }
            let optimizer = try makeOptimizer(model)
            let batches = (train.count + batchSize - 1) / batchSize
            let scheduler = try makeScheduler(optimizer, batchesPerEpoch: batches)
            let loader = DataLoader(train, batchSize: batchSize, shuffle: true, seed: seed, transform: try augmentation(sampleShape))

            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            let checkpointPath = (output as NSString).appendingPathComponent("checkpoint.safetensors")
            var resumeFrom: TrainingCheckpoint?
            if resume {
                guard FileManager.default.fileExists(atPath: checkpointPath) else {
                    throw DatasetChoice.Problem(description: "\(checkpointPath): no checkpoint to resume from")
                }
                resumeFrom = try TrainingCheckpoint.read(checkpointPath)
            }
            var callbacks: [any Callback] = []
            if let clipNorm { callbacks.append(GradientClipping(maxNorm: clipNorm)) }
            let stopping = earlyStopping.map { EarlyStopping(monitor: validation == nil ? "loss" : "val_loss", patience: $0, restoreBestWeights: true) }
            callbacks.append(CSVLogger(path: (output as NSString).appendingPathComponent("history.csv")))
            let loss = { (logits: Tensor, labels: Tensor) in crossEntropy(logits: logits, classIndices: labels) }
            let history = try fit(model, loss: loss, optimizer: optimizer, data: loader, epochs: epochs, validation: validation,
                                  scheduler: scheduler, earlyStopping: stopping, checkpoint: checkpointPath, callbacks: callbacks,
                                  progress: quiet ? .quiet : .automatic, resuming: resumeFrom)
            if !quiet {
                for message in stopping?.messages ?? [] { print(message) }
                if let reason = history.stopReason, stopping?.stoppedEpoch == nil { print(reason) }
            }
            try ModelFile.save(model, to: (output as NSString).appendingPathComponent("model.safetensors"), metadata: [
                "neurite.input_shape": sampleShape.map(String.init).joined(separator: ","),
                "neurite.dataset": dataset,
            ])
            let result = evaluate(model, on: test, loss: loss)
            try Pictures.write(history: history, model: model, test: test, evaluation: result, to: output)
            print(String(format: "test accuracy %.4f  loss %.4f", result.accuracy ?? .nan, result.loss))
        }
    }

    private func makeOptimizer(_ model: Module) throws -> Optimizer {
        let parameters = model.parameters
        switch optimizer {
        case "sgd": return try SGD(parameters, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        case "adam": return try Adam(parameters, learningRate: learningRate, weightDecay: weightDecay)
        case "adamw": return try AdamW(parameters, learningRate: learningRate, weightDecay: weightDecay)
        case "rmsprop": return try RMSprop(parameters, learningRate: learningRate, weightDecay: weightDecay, momentum: momentum)
        case "adagrad": return try Adagrad(parameters, learningRate: learningRate, weightDecay: weightDecay)
        default: throw ValidationError("--optimizer must be sgd, adam, adamw, rmsprop or adagrad, got '\(optimizer)'")
        }
    }

    private func makeScheduler(_ optimizer: Optimizer, batchesPerEpoch: Int) throws -> LearningRateScheduler? {
        switch schedule {
        case "constant": return nil
        case "cosine": return LearningRateScheduler(optimizer, schedule: CosineAnnealing(period: epochs))
        case "one-cycle":
            return LearningRateScheduler(optimizer, schedule: OneCycle(maxRate: Double(learningRate), totalSteps: epochs * batchesPerEpoch))
        case let spec where spec.hasPrefix("step:"):
            guard let size = Int(spec.dropFirst(5)), size > 0 else { throw ValidationError("--schedule step:N needs a positive number of epochs, got '\(spec)'") }
            return LearningRateScheduler(optimizer, schedule: StepDecay(stepSize: size, gamma: 0.5))
        default:
            throw ValidationError("--schedule must be constant, cosine, step:N or one-cycle, got '\(schedule)'")
        }
    }

    private func augmentation(_ sampleShape: [Int]) throws -> (@Sendable (Batch, inout PhiloxGenerator) -> Batch)? {
        guard let augment else { return nil }
        guard sampleShape.count == 3 else { throw ValidationError("--augment needs image data [C, H, W]; this data set's samples have shape \(sampleShape)") }
        let steps = try augment.split(separator: ",").map { name -> Augmentation in
            switch name.trimmingCharacters(in: .whitespaces) {
            case "flip": return .horizontalFlip()
            case "crop": return .randomCrop(padding: 2)
            case "rotate": return .rotation(degrees: 10)
            case "noise": return .gaussianNoise(standardDeviation: 0.05)
            case "cutout": return .cutout(size: max(1, sampleShape[1] / 4))
            default: throw ValidationError("--augment accepts flip, crop, rotate, noise and cutout, got '\(name)'")
            }
        }
        return Augmentation.pipeline(steps)
    }
}
