// swift-format-ignore-file
// The blocks are verbatim copies of the documentation, formatting included.
import Foundation
import Neurite

/// Training.md.
func training() throws {
    do {
        let (train, _) = try Digits.trainTestSplit()
        let model = Sequential { Flatten(); Dense(64, 128); ReLU(); Dense(128, 10) }
        let optimizer = try SGD(model.parameters, learningRate: 0.1, momentum: 0.9)
        let loader = DataLoader(train, batchSize: 64, shuffle: true, seed: 7)
        for epoch in 0..<5 {
            model.train()                                         // dropout on, batch norm updating
            var total: Float = 0
            for (inputs, targets) in loader {
                optimizer.zeroGradients()
                let loss = crossEntropy(logits: model(inputs), classIndices: targets)
                loss.backward()
                optimizer.step()
                total += loss.scalar
            }
            print("epoch \(epoch + 1): mean loss \(total / Float(loader.batchCount))")
        }
    }
    let (train, _) = try Digits.trainTestSplit()
    do {
        let model = Sequential { Flatten(); Dense(64, 32); ReLU(); Dense(32, 10) }
        let optimizer = try AdamW(model.parameters, learningRate: 3e-3)
        let loader = DataLoader(train, batchSize: 32, shuffle: true, seed: 1)
        // Warm up over 100 optimizer steps, then a cosine over the remaining steps: a per-batch schedule.
        let steps = 10 * loader.batchCount
        let scheduler = LearningRateScheduler(
            optimizer, schedule: LinearWarmup(steps: 100, startFactor: 0.1, then: CosineAnnealing(period: steps - 100)),
            unit: .batch)
        try fit(model, loss: { crossEntropy(logits: $0, classIndices: $1) }, optimizer: optimizer, data: loader,
                epochs: 10, scheduler: scheduler)
    }
    do {
        let model = Sequential { Flatten(); Dense(64, 32); ReLU(); Dense(32, 10) }
        let (data, test) = try Digits.trainTestSplit()
        let (training, validation) = data.split(fraction: 0.8, seed: 0)    // 80 % to train on
        let stopping = EarlyStopping(monitor: "val_loss", patience: 3, restoreBestWeights: true)
        let history = try fit(
            model, loss: { crossEntropy(logits: $0, classIndices: $1) },
            optimizer: try Adam(model.parameters, learningRate: 1e-3),
            data: DataLoader(training, batchSize: 32, shuffle: true, seed: 2),
            epochs: 50, validation: validation, earlyStopping: stopping,
            checkpoint: "checkpoint.safetensors")                            // written after every epoch
        print(stopping.bestEpoch.map { $0 + 1 } ?? 0, history.epochs.count, test.count)
    }
    do {
        let model = Sequential { Flatten(); Dense(64, 32); ReLU(); Dense(32, 10) }
        final class LossPrinter: Callback {
            func epochEnded(_ context: TrainingContext, log: EpochLog) {
                print("epoch \(log.epoch + 1) loss \(log.loss) lr \(log.learningRate)")
            }
        }
        try fit(model, loss: { crossEntropy(logits: $0, classIndices: $1) },
                optimizer: try Adam(model.parameters), data: DataLoader(train, batchSize: 64),
                epochs: 2, callbacks: [LossPrinter(), GradientClipping(maxNorm: 1)], progress: .quiet)
    }
    do {
        let model = Sequential { Flatten(); Dense(64, 32); ReLU(); Dense(32, 10) }
        let board = try TensorBoardLogger(directory: "runs/digits", hyperparameters: [("optimizer", "adam"), ("batch size", "64")], everySteps: 10)
        try fit(model, loss: { crossEntropy(logits: $0, classIndices: $1) },
                optimizer: try Adam(model.parameters), data: DataLoader(train, batchSize: 64, shuffle: true, seed: 3),
                epochs: 2, callbacks: [board], progress: .quiet)
        let confusion = evaluate(model, on: train, loss: { crossEntropy(logits: $0, classIndices: $1) }).confusion!
        board.log(Charts.confusionMatrix(confusion), tag: "confusion matrix", step: 2)
        print(board.writer.path, board.lastError == nil)          // runs/digits/events.out.tfevents.… true
    }
}

/// Data.md.
func data() throws {
    do {
        let x = Tensor.uniform([100, 3], low: -1, high: 1, seed: 0)            // 100 samples, 3 features
        let y = (x * Tensor([2, -1, 0.5])).sum(axis: 1, keepDims: true)        // [100, 1] regression targets
        let data = TensorDataset(inputs: x, targets: y)
        let (train, validation) = data.split(fraction: 0.8, seed: 0)           // a seeded 80 / 20 split
        let firstTen = data.subset(Array(0..<10))
        let loader = DataLoader(train, batchSize: 16, shuffle: true, dropLast: false, seed: 3)
        print(loader.batchCount, firstTen.count, validation.count)             // 5 10 20
        for batch in loader.batches(epoch: 0) { print(batch.inputs.shape, batch.targets.shape) }

        try "x1,x2,y\n0.5,1.0,3\n1.5,2.0,7\n".write(toFile: "table.csv", atomically: true, encoding: .utf8)
        let (features, targets) = try CSVReader.read("table.csv", labelColumn: -1)    // the last column is the target
        try NPYWriter.write(features, to: "features.npy")                            // NumPy's format, float32
        let back = try NPYReader.read("features.npy")
        print(features.shape, targets.scalars, back.scalars == features.scalars)     // [2, 2] [3.0, 7.0] true

        let standardization = Standardization(fitting: train.inputs)     // per-feature mean and deviation
        let trainScaled = train.mapInputs(standardization.callAsFunction)
        let validationScaled = validation.mapInputs { standardization($0) }
        print(trainScaled.inputs.mean(axis: 0))                          // ≈ 0 for every feature
        _ = validationScaled

        let model = Sequential {
            Standardize(fitting: train.inputs)                           // per-feature statistics, saved with the model
            Dense(3, 16)
            ReLU()
            Dense(16, 1)
        }
        print(model.predict(validation.inputs).shape)                    // [20, 1], from raw inputs
    }
    do {
        let (images, _) = try Digits.trainTestSplit()                    // [N, 1, 8, 8]
        let augmented = DataLoader(
            images, batchSize: 32, shuffle: true, seed: 0,
            transform: Augmentation.pipeline([.randomCrop(padding: 1), .rotation(degrees: 10), .gaussianNoise(standardDeviation: 0.05)]))
        print(augmented.batches(epoch: 0).first { _ in true }!.inputs.shape)   // [32, 1, 8, 8]
    }
}

/// SavingAndLoading.md.
func savingAndLoading() throws {
    let model = Sequential { Dense(4, 8); ReLU(); Dense(8, 3) }
    try ModelFile.save(model, to: "model.safetensors", metadata: ["trained-on": "iris"])
    let (restored, metadata) = try ModelFile.read("model.safetensors")
    let input = Tensor.normal([2, 4], seed: 1)
    print(restored.predict(input).scalars == model.predict(input).scalars, metadata["trained-on"]!)   // true iris

    try model.saveWeights(to: "weights.safetensors")            // like torch.save(model.state_dict())
    try model.loadWeights(from: "weights.safetensors")          // strict: every key used, every shape right
    let report = try model.loadWeights(from: "weights.safetensors", strict: false)
    print(report.missingKeys, report.unexpectedKeys)            // what did not match, when not strict

    try ONNXExporter.write(model, sampleShape: [4], to: "model.onnx")
    let (graph, sampleShape) = try ONNXImporter.read("model.onnx")   // an ONNXGraph module, [4]
    print(graph.predict(input).scalars == model.predict(input).scalars, sampleShape!)

    let pretrained = try ModelFile.load("model.safetensors") as! Sequential
    pretrained.freeze()                                          // no parameter of it is trained
    let fineTuned = Sequential {
        pretrained.layers[0]                                     // Dense(4, 8), frozen
        ReLU()
        Dense(8, 2)                                              // a new head for 2 classes
    }
    let optimizer = try Adam(fineTuned.trainableParameters, learningRate: 1e-3)
    print(fineTuned.trainableParameterCount)                     // 18: the new head only
    _ = optimizer
}

/// WritingYourOwnLayer.md: the layer at file scope, its use in a function.
/// y = x · scale + shift, with one learned scale and shift per feature; input [N, features].
final class FeatureAffine: Module, DescribableLayer {
    struct Configuration: LayerConfiguration {
        var features: Int
        func validate() throws(LayerConfigurationError) {
            try LayerConfigurationError.require(features > 0, "features \(features) must be positive")
        }
    }
    let configuration: Configuration
    let scale: Parameter
    let shift: Parameter

    /// Draws the initial scales from `generator`, as the built-in layers do.
    init(_ features: Int, generator: inout PhiloxGenerator) {
        configuration = Configuration(features: features).validated(for: "FeatureAffine")
        scale = Parameter(Tensor.normal([features], mean: 1, standardDeviation: 0.1, generator: &generator))
        shift = Parameter(Tensor.zeros([features]))
        super.init()
    }

    /// Draws from the default generator: seeded by `DefaultGenerator.seed(_:)`, like torch.manual_seed.
    convenience init(_ features: Int) {
        var generator = DefaultGenerator.makeGenerator()
        self.init(features, generator: &generator)
    }

    /// Rebuilds the layer from a model file's description.
    convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(configuration.features, generator: &generator)
    }

    override func forward(_ input: Tensor) -> Tensor {
        precondition(input.shape.last == configuration.features, "FeatureAffine: input \(input.shape) does not end in \(configuration.features)")
        return input * scale.value + shift.value
    }

    override var layerDescription: String { "FeatureAffine(\(configuration.features))" }
}

func writingYourOwnLayer() throws {
    DefaultGenerator.seed(0)
    let model = Sequential { Dense(3, 4); FeatureAffine(4); ReLU(); Dense(4, 2) }
    print(model.namedParameters.map(\.name))      // ["0.weight", "0.bias", "1.scale", "1.shift", "3.weight", "3.bias"]

    let layer = FeatureAffine(4)
    let check = checkGradients(of: { layer($0[0]).square().sum() }, at: [Tensor.normal([2, 4], seed: 1)])
    print(check.passed)                           // true: autograd agrees with finite differences

    LayerRegistry.register(FeatureAffine.self)
    try ModelFile.save(model, to: "affine.safetensors")
    let restored = try ModelFile.load("affine.safetensors")       // rebuilt from the file alone
    let x = Tensor.normal([5, 3], seed: 2)
    print(restored.predict(x).scalars == model.predict(x).scalars) // true
}

/// Interpretability.md.
func interpretability() throws {
    DefaultGenerator.seed(0)
    let (train, test) = try Digits.trainTestSplit()
    let model = Sequential { Flatten(); Dense(64, 64); ReLU(); Dense(64, 10) }
    try fit(model, loss: { crossEntropy(logits: $0, classIndices: $1) },
            optimizer: try Adam(model.parameters, learningRate: 3e-3),
            data: DataLoader(train, batchSize: 32, shuffle: true, seed: 1), epochs: 5, progress: .quiet)

    model.eval()
    let images = test.inputs[0..<4]                                   // [4, 1, 8, 8]
    let explainer = Explainer(model)
    let saliency = explainer.saliency(images)                         // |∂ logit / ∂ pixel| of the predicted class
    let ig = explainer.integratedGradients(images, target: .predicted, steps: 32)
    print(ig.relativeDelta)                                           // small: attributions add up to F(x) − F(0)
    let occlusion = explainer.occlusion(images, window: [1, 2, 2], strides: [1, 2, 2])
    print(saliency.shape, ig.attributions.shape, occlusion.shape)    // all [4, 1, 8, 8]

    let picture = ExplanationPicture.render(
        input: images[0], caption: "test image 0",
        panels: [
            ExplanationPanel(title: "saliency", attribution: saliency[0], signed: false),
            ExplanationPanel(title: "integrated gradients", attribution: ig.attributions[0], signed: true),
        ])
    try picture.writePNG(to: "explanation.png")

    let (_, activations) = model.activations(for: images)              // every layer's output, by name
    print(activations.names)                                           // ["0", "1", "2", "3"]
    for layer in model.activationStatistics(on: test) { print(layer) }  // mean, variance, dead units
}

/// DistributedTraining.md.
func distributedTraining() throws {
    let (train, test) = try Digits.trainTestSplit()
    let accuracies = LocalCommunicator.run(ranks: 2) { communicator in
        var generator = PhiloxGenerator(seed: 1)
        let model = Sequential([Flatten(), Dense(64, 64, generator: &generator), ReLU(), Dense(64, 10, generator: &generator)])
        let optimizer = try! Adam(model.parameters, learningRate: 3e-3)
        // 32 samples per rank and step: the two ranks together take batches of 64.
        let loader = DataLoader(train, batchSize: 32, shuffle: true, seed: 7)
        try! fit(model, loss: { crossEntropy(logits: $0, classIndices: $1) }, optimizer: optimizer, data: loader,
                 epochs: 5, progress: communicator.rank == 0 ? .automatic : .quiet, communicator: communicator)
        return evaluate(model, on: test, loss: { crossEntropy(logits: $0, classIndices: $1) }).accuracy ?? 0
    }
    print("test accuracy on each rank: \(accuracies)")   // the same model on both ranks
    precondition(accuracies.count == 2 && accuracies[0] == accuracies[1] && accuracies[0] > 0.9, "distributed training: \(accuracies)")
}
