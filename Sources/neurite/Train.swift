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

    @OptionGroup var data: DatasetOptions
    @Option(help: "Hidden layer widths, comma-separated (default: 256).", transform: PositiveIntegers.parse)
    var hidden = PositiveIntegers([256])
    @Option(help: "A model description (JSON, as `neurite import` reads) to train instead of the MLP the options describe.")
    var model: String?
    @Option(help: "The activation after each hidden layer.")
    var activation = ActivationChoice.relu
    @Option(help: "Dropout probability after each hidden layer.")
    var dropout: Float = 0
    @Flag(help: "Batch normalisation after each hidden layer.")
    var batchNorm = false
    @Option(help: "Residual blocks appended after the hidden layers.")
    var residualBlocks = 0
    @Option(help: "Weight initialisation (pytorch: each layer's PyTorch default).")
    var initializer = InitializerChoice.pytorch
    @Option(help: "The optimiser.")
    var optimizer = OptimizerChoice.adam
    @Option(help: "Learning rate.")
    var learningRate: Float = 3e-3
    @Option(help: "Momentum for sgd and rmsprop.")
    var momentum: Float = 0.9
    @Option(help: "Weight decay (decoupled for adamw, L2 otherwise).")
    var weightDecay: Float = 0
    @Option(help: "Learning-rate schedule: constant, cosine, step:EPOCHS (halves the rate every EPOCHS epochs) or one-cycle (per batch).")
    var schedule = ScheduleChoice.constant
    @Option(help: "Clip the global gradient norm to this value.")
    var clipNorm: Float?
    @Option(help: "Augmentations, comma-separated: flip, crop, rotate, noise, cutout (images only).")
    var augment: AugmentationList?
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

    var optimizerConfiguration: OptimizerChoice.Configuration {
        .init(choice: optimizer, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
    }

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1), got \(dropout)") }
        guard (0..<1).contains(validationSplit) else { throw ValidationError("--validation-split must be in [0, 1), got \(validationSplit)") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be positive, got \(learningRate)") }
        guard residualBlocks >= 0 else { throw ValidationError("--residual-blocks must not be negative") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let earlyStopping, earlyStopping < 0 { throw ValidationError("--early-stopping must not be negative, got \(earlyStopping)") }
        if let clipNorm, !(clipNorm > 0) { throw ValidationError("--clip-norm must be positive, got \(clipNorm)") }
        do {
            try optimizerConfiguration.validate()
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        try NeuriteCommand.reportingErrors {
            if let threads { Threading.maximumThreads = threads }
            let (fullTrain, test, classes) = try data.dataset.load()
            let (train, validation) = validationSplit > 0 ? fullTrain.split(fraction: 1 - validationSplit, seed: seed) : (fullTrain, nil)
            let sampleShape = Array(train.inputs.shape.dropFirst())
            let model: Sequential
            if let description = self.model {
                var generator = PhiloxGenerator(seed: seed)
                let built = try DescriptionFile.build(description, generator: &generator)
                guard let sequential = built as? Sequential else {
                    throw CommandError("\(description): the top-level layer must be a Sequential")
                }
                let probe = withoutGradients {
                    sequential.eval()
                    defer { sequential.train() }
                    return sequential(train.batch(at: [0]).inputs)
                }
                guard probe.shape == [1, classes] else {
                    throw CommandError(
                        "\(description): the model gives outputs of shape \(probe.shape) for one sample; the data set needs [1, \(classes)]")
                }
                model = sequential
            } else {
                model = ModelBuilder(options: self).build(inputFeatures: sampleShape.reduce(1, *), classes: classes)
            }
            let optimizer = try optimizerConfiguration.make(model.parameters)
            let batches = (train.count + batchSize - 1) / batchSize
            let scheduler = schedule.makeScheduler(optimizer, epochs: epochs, batchesPerEpoch: batches, maximumRate: learningRate)
            let loader = DataLoader(train, batchSize: batchSize, shuffle: true, seed: seed, transform: try augmentation(sampleShape))

            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            let checkpointPath = (output as NSString).appendingPathComponent("checkpoint.safetensors")
            var resumeFrom: TrainingCheckpoint?
            if resume {
                guard FileManager.default.fileExists(atPath: checkpointPath) else {
                    throw CommandError("\(checkpointPath): no checkpoint to resume from")
                }
                resumeFrom = try TrainingCheckpoint.read(checkpointPath)
            }
            var callbacks: [any Callback] = []
            if let clipNorm { callbacks.append(GradientClipping(maxNorm: clipNorm)) }
            let stopping = earlyStopping.map {
                EarlyStopping(monitor: validation == nil ? "loss" : "val_loss", patience: $0, restoreBestWeights: true)
            }
            callbacks.append(CSVLogger(path: (output as NSString).appendingPathComponent("history.csv")))
            let loss = { (logits: Tensor, labels: Tensor) in crossEntropy(logits: logits, classIndices: labels) }
            let history = try fit(
                model, loss: loss, optimizer: optimizer, data: loader, epochs: epochs, validation: validation,
                scheduler: scheduler, earlyStopping: stopping, checkpoint: checkpointPath, callbacks: callbacks,
                progress: quiet ? .quiet : .automatic, resuming: resumeFrom)
            if !quiet {
                for message in stopping?.messages ?? [] { print(message) }
                if let reason = history.stopReason, stopping?.stoppedEpoch == nil { print(reason) }
            }
            try ModelFile.save(
                model, to: (output as NSString).appendingPathComponent("model.safetensors"),
                metadata: [
                    SavedModel.inputShapeKey: sampleShape.map(String.init).joined(separator: ","),
                    "neurite.dataset": "\(data.dataset)",
                ])
            let result = evaluate(model, on: test, loss: loss)
            try Pictures.write(history: history, model: model, test: test, evaluation: result, to: output)
            print(String(format: "test accuracy %.4f  loss %.4f", result.accuracy ?? .nan, result.loss))
        }
    }

    private func augmentation(_ sampleShape: [Int]) throws -> (@Sendable (Batch, inout PhiloxGenerator) -> Batch)? {
        guard let augment else { return nil }
        guard sampleShape.count == 3 else {
            throw ValidationError("--augment needs image data [C, H, W]; this data set's samples have shape \(sampleShape)")
        }
        return Augmentation.pipeline(augment.steps.map { $0.augmentation(height: sampleShape[1], width: sampleShape[2]) })
    }
}
