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
    @Option(help: "The network: mlp (dense layers of --hidden widths), cnn (two convolutions, for images) or resnet (residual blocks, for images).")
    var architecture = ArchitectureChoice.mlp
    @Option(help: "Hidden layer widths of the mlp, comma-separated (default: 256).", transform: PositiveIntegers.parse)
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
    @Flag(help: "Continue from the checkpoint in the output directory (starts fresh, saying so, when there is none yet).")
    var resume = false
    @Flag(help: "Start a fresh run even if the output directory holds an earlier one (its files are replaced as the new run writes them).")
    var overwrite = false
    @Flag(help: "Print only the final line.")
    var quiet = false

    var optimizerConfiguration: OptimizerChoice.Configuration {
        .init(choice: optimizer, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
    }

    /// Bounds that no real run comes near, so that a typo or `Int.max` gets an error instead of
    /// an overflow or an allocation of terabytes.
    static let maximumEpochs = 1_000_000, maximumBatchSize = 1 << 24, maximumThreads = 4096, maximumResidualBlocks = 1000
    static let maximumHiddenLayers = 1000

    func validate() throws {
        func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
            if !condition { throw ValidationError(message()) }
        }
        try require((1...Self.maximumEpochs).contains(epochs), "--epochs must be between 1 and \(Self.maximumEpochs), got \(epochs)")
        try require((1...Self.maximumBatchSize).contains(batchSize), "--batch-size must be between 1 and \(Self.maximumBatchSize), got \(batchSize)")
        try require((0..<1).contains(dropout), "--dropout must be in [0, 1), got \(dropout)")
        try require((0..<1).contains(validationSplit), "--validation-split must be in [0, 1), got \(validationSplit)")
        try require(learningRate > 0 && learningRate.isFinite, "--learning-rate must be a finite positive number, got \(learningRate)")
        try require(
            (0...Self.maximumResidualBlocks).contains(residualBlocks),
            "--residual-blocks must be between 0 and \(Self.maximumResidualBlocks), got \(residualBlocks)")
        try require(
            hidden.values.count <= Self.maximumHiddenLayers, "--hidden lists \(hidden.values.count) layers; at most \(Self.maximumHiddenLayers)")
        if let threads {
            try require((1...Self.maximumThreads).contains(threads), "--threads must be between 1 and \(Self.maximumThreads), got \(threads)")
        }
        if let earlyStopping {
            try require(
                (0...Self.maximumEpochs).contains(earlyStopping),
                "--early-stopping must be between 0 and \(Self.maximumEpochs) epochs, got \(earlyStopping)")
        }
        try require(momentum >= 0 && momentum.isFinite, "--momentum must be a finite non-negative number, got \(momentum)")
        try require(weightDecay >= 0 && weightDecay.isFinite, "--weight-decay must be a finite non-negative number, got \(weightDecay)")
        if let clipNorm { try require(clipNorm > 0 && clipNorm.isFinite, "--clip-norm must be a finite positive number, got \(clipNorm)") }
        try require(!(resume && overwrite), "--resume and --overwrite exclude each other: continue the earlier run or replace it")
        do {
            try optimizerConfiguration.validate()
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        try NeuriteCommand.reportingErrors {
            if let threads { Threading.maximumThreads = threads }
            let paths = RunDirectory(output)
            let existed = FileManager.default.fileExists(atPath: output)
            let resumeFrom = try paths.prepare(resume: resume, overwrite: overwrite)
            // A run refused before it wrote anything leaves no directory behind.
            var finished = false
            defer { if !finished && !existed { paths.removeIfEmpty() } }
            let (fullTrain, test, classes) = try data.dataset.load()
            let (train, validation) = try split(fullTrain)
            guard test.count > 0 else { throw CommandError("\(data.dataset): the test split is empty") }
            let sampleShape = Array(train.inputs.shape.dropFirst())
            let model = try buildModel(sampleShape: sampleShape, classes: classes)
            let optimizer = try optimizerConfiguration.make(model.parameters)
            // Batch normalisation cannot normalise one sample in training (PyTorch raises): refuse
            // batches of one, and drop a last batch of one sample (a different one each epoch).
            let normalisesBatches = model.namedModules.contains { $0.module is BatchNorm }
            if normalisesBatches && train.count < 2 {
                throw CommandError("\(data.dataset): the training split has 1 sample; batch normalisation needs at least 2 per batch")
            }
            if normalisesBatches && batchSize < 2 {
                throw CommandError("--batch-size 1: the model has batch normalisation, which needs at least 2 samples per batch in training")
            }
            let dropLast = normalisesBatches && train.count % batchSize == 1
            let loader = DataLoader(
                train, batchSize: batchSize, shuffle: true, dropLast: dropLast, seed: seed, transform: try augmentation(sampleShape))
            let scheduler = schedule.makeScheduler(
                optimizer, epochs: epochs, batchesPerEpoch: loader.batchCount, maximumRate: learningRate)

            var callbacks: [any Callback] = []
            if let clipNorm { callbacks.append(GradientClipping(maxNorm: clipNorm)) }
            let stopping = earlyStopping.map {
                EarlyStopping(monitor: validation == nil ? "loss" : "val_loss", patience: $0, restoreBestWeights: true)
            }
            let logger = CSVLogger(path: paths.history)
            callbacks.append(logger)
            let loss = { (logits: Tensor, labels: Tensor) in crossEntropy(logits: logits, classIndices: labels) }
            let history = try fit(
                model, loss: loss, optimizer: optimizer, data: loader, epochs: epochs, validation: validation,
                scheduler: scheduler, earlyStopping: stopping, checkpoint: paths.checkpoint, callbacks: callbacks,
                progress: quiet ? .quiet : .automatic, resuming: resumeFrom)
            if let divergence = history.divergence {
                throw CommandError("\(divergence); no model written (try a smaller --learning-rate or --clip-norm)")
            }
            if let name = model.namedParameters.first(where: { $0.parameter.value.scalars.contains { !$0.isFinite } })?.name {
                throw CommandError("training diverged: \(name) holds NaN or infinity; no model written (try a smaller --learning-rate)")
            }
            if let error = logger.lastError {
                throw CommandError("\(paths.history): cannot write the history: \(NeuriteCommand.reason(error))")
            }
            if !quiet {
                for message in stopping?.messages ?? [] { print(message) }
                if let reason = history.stopReason, stopping?.stoppedEpoch == nil { print(reason) }
            }
            let result = evaluate(model, on: test, loss: loss)
            try Pictures.write(history: history, model: model, test: test, evaluation: result, to: output)
            // Last, so that a run that fails on the way never replaces an earlier model.
            try ModelFile.save(
                model, to: paths.model,
                metadata: [
                    SavedModel.inputShapeKey: sampleShape.map(String.init).joined(separator: ","),
                    "neurite.dataset": "\(data.dataset)",
                ])
            print(String(format: "test accuracy %.4f  loss %.4f", result.accuracy ?? .nan, result.loss))
            finished = true
        }
    }

    /// The training data and the validation data `--validation-split` holds out; both must hold
    /// samples.
    private func split(_ data: TensorDataset) throws -> (train: TensorDataset, validation: TensorDataset?) {
        guard validationSplit > 0 else {
            guard data.count > 0 else { throw CommandError("\(self.data.dataset): the training split is empty") }
            return (data, nil)
        }
        let (train, validation) = data.split(fraction: 1 - validationSplit, seed: seed)
        guard train.count > 0, validation.count > 0 else {
            throw CommandError(
                "\(self.data.dataset): --validation-split \(validationSplit) leaves \(train.count) of \(data.count) samples for training and \(validation.count) for validation; both need samples"
            )
        }
        return (train, validation)
    }

    /// The network `--model` describes, checked against the data, or the MLP the options describe.
    private func buildModel(sampleShape: [Int], classes: Int) throws -> Sequential {
        guard let description = model else {
            return try ModelBuilder(options: self).build(sampleShape: sampleShape, classes: classes, dataset: "\(data.dataset)")
        }
        var generator = PhiloxGenerator(seed: seed)
        guard let sequential = try DescriptionFile.build(description, generator: &generator) as? Sequential else {
            throw CommandError("\(description): the top-level layer must be a Sequential")
        }
        let saved = SavedModel(path: description, network: sequential, inputShape: nil)
        let outputs = try saved.checkedOutputShape(
            forSample: sampleShape, batch: max(batchSize, Evaluation.batchSize), from: "the \(data.dataset) data set")
        guard outputs == [1, classes] else {
            throw CommandError(
                "\(description): the model gives outputs of shape \(outputs) for one sample; the \(data.dataset) data set needs [1, \(classes)]")
        }
        return sequential
    }

    private func augmentation(_ sampleShape: [Int]) throws -> (@Sendable (Batch, inout PhiloxGenerator) -> Batch)? {
        guard let augment else { return nil }
        guard sampleShape.count == 3 else {
            throw ValidationError("--augment needs image data [C, H, W]; this data set's samples have shape \(sampleShape)")
        }
        return Augmentation.pipeline(augment.steps.map { $0.augmentation(height: sampleShape[1], width: sampleShape[2]) })
    }
}
