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
    @Option(
        help:
            "The network: mlp (dense layers of --hidden widths; the default for images and tables), cnn (two convolutions, for images), resnet (residual blocks, for images), fasttext (an average of word and n-gram embeddings and one dense layer; the default for texts) or textcnn (a convolution over word embeddings, for texts)."
    )
    var architecture: ArchitectureChoice?
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
    @Option(help: "Learning rate (default: 3e-3; 1e-2 for texts).")
    var learningRate: Float?
    @Option(help: "Momentum for sgd and rmsprop.")
    var momentum: Float = 0.9
    @Option(help: "Weight decay (decoupled for adamw, L2 otherwise).")
    var weightDecay: Float = 0
    @Option(
        help:
            "Learning-rate schedule: constant, cosine, step:EPOCHS (halves the rate every EPOCHS epochs) or one-cycle (per batch) (default: constant; cosine for langid)."
    )
    var schedule: ScheduleChoice?
    @Option(help: "Clip the global gradient norm to this value.")
    var clipNorm: Float?
    @Option(
        help:
            "Augmentations, comma-separated: flip, crop, rotate, noise, cutout for images; synonyms, insert, swap, delete for texts (EDA, with WordNet from wordnet-base)."
    )
    var augment: AugmentationList?
    @Option(help: "Stop after this many epochs without a better validation loss, restoring the best weights.")
    var earlyStopping: Int?
    @Option(help: "Fraction of the training data held out for validation (default: 0.1; 0 for texts unless --early-stopping).")
    var validationSplit: Double?
    @Option(help: "Passes over the training data (default: 40; 10 for texts).")
    var epochs: Int?
    @Option(help: "Samples per batch (default: 32; 64 for texts).")
    var batchSize: Int?
    @Option(help: "Seed for initialisation, shuffling, dropout and augmentation.")
    var seed: UInt64 = 1
    @Option(help: "Threads for the kernels (default: all cores).")
    var threads: Int?
    @Option(help: "Directory for the model, history and checkpoint.")
    var output = "neurite-run"
    @Option(
        help:
            "Also write a TensorBoard event file to this directory: scalars per epoch (as history.csv), the batch loss every --tensorboard-steps batches, histograms of weights and gradients, the settings and the pictures."
    )
    var tensorboard: String?
    @Option(help: "Batches between the batch losses written to --tensorboard (0: none).")
    var tensorboardSteps = 50
    @Flag(help: "Continue from the checkpoint in the output directory (starts fresh, saying so, when there is none yet).")
    var resume = false
    @Flag(help: "Start a fresh run even if the output directory holds an earlier one (its files are replaced as the new run writes them).")
    var overwrite = false
    @Flag(
        inversion: .prefixedNo,
        help:
            "For csv: and npy: data, start the network with a Standardize layer fitted on the training split (saved in the model, so predict takes raw inputs)."
    )
    var standardize = true
    @Flag(help: "Print only the final line.")
    var quiet = false
    @Flag(
        help:
            "Train as one rank of an MPI job (mpirun -np N neurite train --distributed …): each rank takes its share of every epoch with --batch-size samples per batch, gradients are averaged, and rank 0 alone prints and writes the run. Needs a neurite built with --traits MPI."
    )
    var distributed = false
    @Flag(help: "With --distributed, batch normalisation normalises with the statistics of all ranks' batches together (PyTorch's SyncBatchNorm).")
    var syncBatchNorm = false
    @OptionGroup var text: TextOptions

    // The defaults that depend on the data: texts train fast and overfit soon, and their small
    // training sets (topics has 5,468 texts) lose accuracy to a held-out tenth; fastText holds
    // none out either.
    var epochCount: Int { epochs ?? (data.dataset.isText ? 10 : 40) }
    // Early stopping watches the validation loss, so it keeps the tenth.
    // langid decays the rate as fastText does (linearly there): its 78,000 texts bring it to
    // 0.996 in the first epoch, after which a constant rate drifts down. The small topics set
    // does better at a constant rate (0.5815–0.5912 over seeds 1–4, against 0.5717–0.5897).
    var learningRateSchedule: ScheduleChoice { schedule ?? (data.dataset.isLanguageIdentification ? .cosine : .constant) }
    var heldOutFraction: Double { validationSplit ?? (data.dataset.isText && earlyStopping == nil ? 0 : 0.1) }
    var samplesPerBatch: Int { batchSize ?? (data.dataset.isText ? 64 : 32) }
    var rate: Float { learningRate ?? (data.dataset.isText ? 1e-2 : 3e-3) }
    var network: ArchitectureChoice { architecture ?? (data.dataset.isText ? .fasttext : .mlp) }

    var optimizerConfiguration: OptimizerChoice.Configuration {
        .init(choice: optimizer, learningRate: rate, momentum: momentum, weightDecay: weightDecay)
    }

    /// Bounds that no real run comes near, so that a typo or `Int.max` gets an error instead of
    /// an overflow or an allocation of terabytes.
    static let maximumEpochs = 1_000_000, maximumBatchSize = 1 << 24, maximumThreads = 4096, maximumResidualBlocks = 1000
    static let maximumHiddenLayers = 1000

    func validate() throws {
        func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
            if !condition { throw ValidationError(message()) }
        }
        try require((1...Self.maximumEpochs).contains(epochCount), "--epochs must be between 1 and \(Self.maximumEpochs), got \(epochCount)")
        try require(
            (1...Self.maximumBatchSize).contains(samplesPerBatch),
            "--batch-size must be between 1 and \(Self.maximumBatchSize), got \(samplesPerBatch)")
        try require((0..<1).contains(dropout), "--dropout must be in [0, 1), got \(dropout)")
        try require((0..<1).contains(heldOutFraction), "--validation-split must be in [0, 1), got \(heldOutFraction)")
        try require(rate > 0 && rate.isFinite, "--learning-rate must be a finite positive number, got \(rate)")
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
        try require(tensorboardSteps >= 0, "--tensorboard-steps must not be negative, got \(tensorboardSteps)")
        try require(tensorboard?.isEmpty != true, "--tensorboard needs a directory")
        try require(!(resume && overwrite), "--resume and --overwrite exclude each other: continue the earlier run or replace it")
        try require(!syncBatchNorm || distributed, "--sync-batch-norm synchronises the ranks of a --distributed run; add --distributed")
        do {
            try optimizerConfiguration.validate()
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        try NeuriteCommand.reportingErrors {
            guard distributed else { return try train(communicator: nil) }
            let communicator = TimedCommunicator(try DistributedRun.start())
            do {
                try train(communicator: communicator)
            } catch {
                // A rank that fails ends the whole job, rather than leaving the others waiting.
                DistributedRun.abort(communicator, after: error)
            }
            DistributedRun.finish(communicator)
        }
    }

    /// The run; with a communicator, this rank's part of a data-parallel run.
    private func train(communicator: (any Communicator)?) throws {
        if let threads { Threading.maximumThreads = threads }
        let isLeader = (communicator?.rank ?? 0) == 0
        let paths = RunDirectory(output)
        let existed = FileManager.default.fileExists(atPath: output)
        // Rank 0 alone prepares the directory; the others resume from what it resumes from.
        var resumeFrom = isLeader ? try paths.prepare(resume: resume, overwrite: overwrite) : nil
        if let communicator {
            resumeFrom = try DistributedRun.agreeOnCheckpoint(communicator, leader: resumeFrom, path: paths.checkpoint, resume: resume)
        }
        // A run refused before it wrote anything leaves no directory behind.
        var finished = false
        defer { if !finished && !existed { paths.removeIfEmpty() } }
        let prepared = data.dataset.isText ? try prepareTexts() : try prepareTensors()
        let model = prepared.model
        let optimizer = try optimizerConfiguration.make(model.parameters)
        // Batch normalisation cannot normalise one sample in training (PyTorch raises): refuse
        // batches of one, and drop a last batch of one sample (a different one each epoch).
        let normalisesBatches = model.namedModules.contains { $0.module is BatchNorm }
        if normalisesBatches && prepared.train.count < 2 {
            throw CommandError("\(data.dataset): the training split has 1 sample; batch normalisation needs at least 2 per batch")
        }
        if normalisesBatches && samplesPerBatch < 2 {
            throw CommandError("--batch-size 1: the model has batch normalisation, which needs at least 2 samples per batch in training")
        }
        if communicator != nil, let name = model.namedParameters.first(where: { $0.parameter.rowGradientSink != nil })?.name {
            throw CommandError(
                "--distributed: \(name) has row-sparse gradients (the text models' tables), which data-parallel training does not average yet")
        }
        if syncBatchNorm, let communicator { DataParallel(communicator: communicator).synchronizeBatchNorm(in: model) }
        let shard = communicator.map { DataShard(rank: $0.rank, count: $0.size) }
        let samplesPerRank = shard?.size(ofTotal: prepared.train.count) ?? prepared.train.count
        let dropLast = normalisesBatches && samplesPerRank % samplesPerBatch == 1
        let loader = DataLoader(
            prepared.train, batchSize: samplesPerBatch, shuffle: true, dropLast: dropLast, seed: seed, shard: shard,
            transform: prepared.transform)
        let validation = prepared.validation
        let test = prepared.test
        let scheduler = learningRateSchedule.makeScheduler(
            optimizer, epochs: epochCount, batchesPerEpoch: loader.batchCount, maximumRate: rate)

        var callbacks: [any Callback] = []
        if let clipNorm { callbacks.append(GradientClipping(maxNorm: clipNorm)) }
        let stopping = earlyStopping.map {
            EarlyStopping(monitor: validation == nil ? "loss" : "val_loss", patience: $0, restoreBestWeights: true)
        }
        // Rank 0 alone writes the history and the TensorBoard log.
        let logger = CSVLogger(path: paths.history)
        if isLeader { callbacks.append(logger) }
        let board = try tensorboard.flatMap { directory throws(FileError) in
            isLeader ? try TensorBoardLogger(directory: directory, hyperparameters: settings, everySteps: tensorboardSteps) : nil
        }
        if let board { callbacks.append(board) }
        let loss = { (logits: Tensor, labels: Tensor) in crossEntropy(logits: logits, classIndices: labels) }
        let history = try fit(
            model, loss: loss, optimizer: optimizer, data: loader, epochs: epochCount, validation: validation,
            scheduler: scheduler, earlyStopping: stopping, checkpoint: paths.checkpoint, callbacks: callbacks,
            progress: quiet ? .quiet : .automatic, resuming: resumeFrom, communicator: communicator)
        if let divergence = history.divergence {
            throw CommandError("\(divergence); no model written (try a smaller --learning-rate or --clip-norm)")
        }
        if let name = model.namedParameters.first(where: { !$0.parameter.value.allFinite })?.name {
            throw CommandError("training diverged: \(name) holds NaN or infinity; no model written (try a smaller --learning-rate)")
        }
        if let error = logger.lastError {
            throw CommandError("\(paths.history): cannot write the history: \(NeuriteCommand.reason(error))")
        }
        // The other ranks hold the same model; rank 0 evaluates and writes it.
        guard isLeader else { return }
        if let timed = communicator as? TimedCommunicator, !quiet {
            let steps = (history.epochs.count - (resumeFrom?.epoch ?? 0)) * loader.batchCount
            NeuriteCommand.note(timed.summary(steps: steps))
        }
        // fit has printed early stopping's messages with the progress.
        if !quiet, let reason = history.stopReason, stopping?.stoppedEpoch == nil { print(reason) }
        let result = evaluate(model, on: test, loss: loss)
        let pictures = try Pictures.write(
            history: history, model: model, test: prepared.images, evaluation: result, classNames: prepared.classNames, to: output)
        for (file, picture) in pictures {
            board?.log(picture, tag: String(file.dropLast(".png".count)), step: history.epochs.count)
        }
        board?.write(
            [.scalar(tag: "test_accuracy", value: Float(result.accuracy ?? .nan)), .scalar(tag: "test_loss", value: Float(result.loss))],
            step: history.epochs.count)
        // Last, so that a run that fails on the way never replaces an earlier model.
        try ModelFile.save(model, to: paths.model, metadata: prepared.metadata.merging(["neurite.dataset": "\(data.dataset)"]) { $1 })
        print(String(format: "test accuracy %.4f  loss %.4f", result.accuracy ?? .nan, result.loss))
        finished = true
        if let error = board?.lastError {
            throw CommandError("\(error.file): the TensorBoard log is incomplete (the model was saved): \(error.problem)")
        }
    }

    /// The run's settings, for the TensorBoard text panel: every option as given or defaulted.
    var settings: [(String, String)] {
        [
            ("dataset", "\(data.dataset)"), ("architecture", "\(network)"), ("model", model ?? "—"),
            ("hidden", hidden.values.map(String.init).joined(separator: ",")), ("activation", "\(activation)"), ("dropout", "\(dropout)"),
            ("batch norm", "\(batchNorm)"), ("residual blocks", "\(residualBlocks)"), ("initializer", "\(initializer)"),
            ("optimizer", "\(optimizer)"), ("learning rate", "\(rate)"), ("momentum", "\(momentum)"), ("weight decay", "\(weightDecay)"),
            ("schedule", "\(learningRateSchedule)"), ("clip norm", clipNorm.map { "\($0)" } ?? "—"),
            ("augment", augment.map { $0.steps.map(\.rawValue).joined(separator: ",") } ?? "—"),
            ("early stopping", earlyStopping.map { "\($0)" } ?? "—"), ("validation split", "\(heldOutFraction)"), ("epochs", "\(epochCount)"),
            ("batch size", "\(samplesPerBatch)"), ("seed", "\(seed)"), ("standardize", "\(standardize)"),
        ]
    }

    /// What a run trains on: the model, the data (training, validation, test), the augmentation,
    /// what the model file records about its input, and test images for the pictures.
    struct PreparedData {
        let model: Sequential
        let train: any Dataset
        let validation: (any Dataset)?
        let test: any Dataset
        let transform: (@Sendable (Batch, inout PhiloxGenerator) -> Batch)?
        let metadata: [String: String]
        let images: TensorDataset?
        /// The classes' names for the pictures, where the data set has them.
        let classNames: [String]?
    }

    /// Images or tables: tensors of one shape per sample.
    private func prepareTensors() throws -> PreparedData {
        let loaded = try data.dataset.loadForTraining()
        let (fullTrain, test, classes) = (loaded.train, loaded.test, loaded.classes)
        let (trainIndices, validationIndices) = try split(count: fullTrain.count)
        // Views, not copies: Fashion-MNIST's 90 % would otherwise be a second copy of the images.
        let train: any Dataset = validationIndices == nil ? fullTrain : DatasetSubset(fullTrain, indices: trainIndices)
        guard test.count > 0 else { throw CommandError("\(data.dataset): the test split is empty") }
        let sampleShape = loaded.sampleShape
        var model = try buildModel(sampleShape: sampleShape, classes: classes)
        if standardize, let table = loaded.tableInputs, self.model == nil {
            // Tables come in any units; the statistics of the data trained on (not the validation
            // or test data) become the model's first layer, so the saved model takes raw inputs.
            let inputs = validationIndices == nil ? table : table.indexSelect(axis: 0, indices: trainIndices)
            model = Sequential([Standardize(fitting: inputs)] + model.layers)
        }
        return PreparedData(
            model: model, train: train, validation: validationIndices.map { DatasetSubset(fullTrain, indices: $0) }, test: test,
            transform: try augmentation(sampleShape),
            metadata: [SavedModel.inputShapeKey: sampleShape.map(String.init).joined(separator: ",")].merging(
                SavedModel.classNamesMetadata(loaded.classNames)
            ) { $1 },
            images: test, classNames: loaded.classNames)
    }

    /// Labelled texts: the encoder is fitted to the training texts (not the validation ones) and
    /// saved with the model, with the class names.
    private func prepareTexts() throws -> PreparedData {
        if let image = augment?.steps.first(where: { $0.textOperation == nil }) {
            throw ValidationError("--augment \(image.rawValue) is for images; for texts use synonyms, insert, swap or delete")
        }
        let texts = try data.dataset.loadTexts()
        guard !texts.test.isEmpty else { throw CommandError("\(data.dataset): the test split is empty") }
        let (trainIndices, validationIndices) = try split(count: texts.train.count)
        var trainExamples = trainIndices.map { texts.train[$0] }
        let source = "\(data.dataset)"
        let train: any Dataset
        let reader: TextModelMetadata
        let operations = augment?.steps.compactMap(\.textOperation) ?? []
        let needsWordNet = operations.contains(.synonyms) || operations.contains(.insert)
        let eda = operations.isEmpty ? nil : TextAugmentation(operations: operations, wordNet: needsWordNet ? try WordNet() : nil)
        if let eda, let copies = text.augmentCopies {
            // EDA's protocol: `copies` edited copies of every training text, made once (each text
            // from its own random stream) and kept beside the originals; the vocabulary is fitted
            // afterwards, so that the synonyms used get rows of their own.
            var edited: [TextExample] = []
            for (index, example) in trainExamples.enumerated() {
                var generator = PhiloxGenerator(seed: seed, stream: 1 << 32 + UInt64(index))
                for text in eda.augment(example.text, count: copies, generator: &generator) {
                    edited.append(TextExample(label: example.label, source: example.source + " (EDA)", text: text))
                }
            }
            trainExamples += edited
        }
        if let eda, text.augmentCopies == nil {
            // A loader transform: every time a text is drawn it is edited afresh with probability
            // --augment-probability. The vocabulary also counts the synonyms an edit can bring
            // in, so that they get rows of their own.
            let fitted = trainExamples.map(\.text) + trainExamples.map { eda.introducedWords($0.text).joined(separator: " ") }
            reader = TextModelMetadata(
                encoder: try text.encoder(for: data.dataset, architecture: network, fitting: fitted), classes: texts.classes)
            train = AugmentedTextDataset(
                texts: trainExamples.map(\.text), labels: try reader.labels(of: trainExamples, source: source), encoder: reader.encoder,
                augmentation: eda, probability: text.augmentProbability ?? 0.8)
        } else {
            reader = TextModelMetadata(
                encoder: try text.encoder(for: data.dataset, architecture: network, fitting: trainExamples.map(\.text)), classes: texts.classes)
            train = try reader.dataset(trainExamples, source: source)
        }
        let validation = try validationIndices.map { try reader.dataset($0.map { texts.train[$0] }, source: source) }
        let model = try buildTextModel(encoder: reader.encoder, classes: texts.classes.count, sample: train)
        return PreparedData(
            model: model, train: train, validation: validation, test: try reader.dataset(texts.test, source: source), transform: nil,
            metadata: reader.metadata, images: nil, classNames: texts.classes)
    }

    /// The indices of the training data and of the validation data `--validation-split` holds out
    /// (nil without one), drawn with the seed as `TensorDataset.split` draws them; both must hold
    /// samples.
    private func split(count: Int) throws -> (train: [Int], validation: [Int]?) {
        guard heldOutFraction > 0 else {
            guard count > 0 else { throw CommandError("\(self.data.dataset): the training split is empty") }
            return (Array(0..<count), nil)
        }
        var generator = PhiloxGenerator(seed: seed)
        let order = Array(0..<count).shuffled(using: &generator)
        let first = Int(Double(count) * (1 - heldOutFraction))
        guard first > 0, first < count else {
            throw CommandError(
                "\(self.data.dataset): --validation-split \(heldOutFraction) leaves \(first) of \(count) samples for training and \(count - first) for validation; both need samples"
            )
        }
        return (Array(order[..<first]), Array(order[first...]))
    }

    /// The text network: `--model`'s description, or the one `--architecture` names.
    private func buildTextModel(encoder: TextEncoder, classes: Int, sample: any Dataset) throws -> Sequential {
        if let description = model {
            var generator = PhiloxGenerator(seed: seed)
            guard let sequential = try DescriptionFile.build(description, generator: &generator) as? Sequential else {
                throw CommandError("\(description): the top-level layer must be a Sequential")
            }
            if let table = sequential.namedModules.lazy.compactMap({ $0.module as? EmbeddingBag }).first, table.rowCount < encoder.idCount {
                throw CommandError("\(description): its EmbeddingBag has \(table.rowCount) rows; the text encoder gives \(encoder.idCount) ids")
            }
            let outputs = withoutGradients { sequential(sample.batch(at: [0]).inputs).shape }
            guard outputs == [1, classes] else {
                throw CommandError("\(description): the model gives outputs of shape \(outputs) for one text; \(data.dataset) needs [1, \(classes)]")
            }
            return sequential
        }
        return try ModelBuilder(options: self).textModel(encoder: encoder, classes: classes, dataset: "\(data.dataset)")
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
            forSample: sampleShape, batch: max(samplesPerBatch, Evaluation.batchSize), from: "the \(data.dataset) data set")
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
        if let text = augment.steps.first(where: { $0.textOperation != nil }) {
            throw ValidationError("--augment \(text.rawValue) edits texts; for images use flip, crop, rotate, noise or cutout")
        }
        return Augmentation.pipeline(augment.steps.compactMap { $0.augmentation(height: sampleShape[1], width: sampleShape[2]) })
    }
}
