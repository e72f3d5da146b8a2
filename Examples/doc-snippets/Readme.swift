// swift-format-ignore-file
// The blocks are verbatim copies of the documentation, formatting included.
import Neurite

/// README.md, top to bottom.
func readme() throws {
    do {
        var generator = PhiloxGenerator(seed: 42)
        let x = Tensor.normal([128, 784], generator: &generator)
        let labels = Tensor((0..<128).map { Float($0 % 10) }, shape: [128, 1])
        var w = Tensor.normal([784, 10], standardDeviation: 0.01, generator: &generator).requiringGradient()

        let logits = matmul(x, w)                                    // [128, 10]
        let logProbabilities = logits - logits.logSumExp(axis: 1, keepDims: true)
        let loss = -logProbabilities.gather(axis: 1, indices: labels).mean()   // cross-entropy
        loss.backward()                                              // w.gradient: [784, 10]

        withoutGradients { w -= 0.1 * w.gradient! }                  // an SGD step, in place
        print(loss)                                                  // Tensor([], 2.3…)
    }
    do {
        let images = Tensor.normal([8, 784], seed: 0)
        let labels = Tensor((0..<8).map { Float($0 % 10) })
        DefaultGenerator.seed(42)                       // like torch.manual_seed
        let model = Sequential {
            Dense(784, 256)                             // weight [256, 784], PyTorch's initialisation
            ReLU()
            Dropout(0.2)
            Dense(256, 10)
        }
        // images: [N, 784]; labels: [N] class indices
        let loss = crossEntropy(logits: model(images), classIndices: labels, labelSmoothing: 0.1)
        loss.backward()                                 // gradients in model.parameters
        print(model)                                    // Sequential(\n  (0): Dense(784 => 256) …
        print(model.summary(inputShape: [784]))         // a Keras-style table
        print(model.namedParameters.map(\.name))        // ["0.weight", "0.bias", "3.weight", "3.bias"]
    }
    do {
        let (train, _) = try Digits.trainTestSplit()                            // images [N, 1, 8, 8], labels [N]
        let model = Sequential { Flatten(); Dense(64, 128); ReLU(); Dense(128, 10) }
        let optimizer = try AdamW(model.parameters, learningRate: 3e-3)         // PyTorch's update rules
        let scheduler = LearningRateScheduler(optimizer,                        // steps once per batch here
            schedule: LinearWarmup(steps: 100, startFactor: 0.1, then: CosineAnnealing(period: 350)), unit: .batch)
        let loader = DataLoader(train, batchSize: 32, shuffle: true, seed: 1)
        for epoch in 0..<10 {
            model.train()
            for batch in loader.batches(epoch: epoch) {
                optimizer.zeroGradients()
                let loss = crossEntropy(logits: model(batch.inputs), classIndices: batch.targets)
                loss.backward()
                clipGradientNorm(model.parameters, maxNorm: 1)                  // returns the norm before clipping
                optimizer.step()
                scheduler.step()                                                // after optimizer.step(), as in PyTorch
            }
        }
    }
    do {
        let (train, test) = try Digits.trainTestSplit()              // built in: 8×8 digits, 1437 / 360
        let model = Sequential { Flatten(); Dense(64, 256); ReLU(); Dense(256, 10) }
        let history = try fit(model, loss: { crossEntropy(logits: $0, classIndices: $1) },
                              optimizer: try Adam(model.parameters, learningRate: 3e-3),
                              data: DataLoader(train, batchSize: 32, shuffle: true, seed: 2),
                              epochs: 40, validation: test,
                              earlyStopping: EarlyStopping(monitor: "val_loss", patience: 5, restoreBestWeights: true))
        print(evaluate(model, on: test, loss: { crossEntropy(logits: $0, classIndices: $1) }).accuracy!)
        _ = history
    }
    do {
        let model = Sequential { Dense(4, 8); ReLU(); Dense(8, 3) }
        let loss: (Tensor, Tensor) -> Tensor = { crossEntropy(logits: $0, classIndices: $1) }
        let optimizer = try Adam(model.parameters)
        let loader = DataLoader(SyntheticData.spirals(pointsPerClass: 16, classes: 3, seed: 0).mapInputs {
            Tensor.concatenate([$0, $0], axis: 1)
        }, batchSize: 16)
        try model.saveWeights(to: "weights.safetensors")          // PyTorch state_dict keys and layouts
        try model.loadWeights(from: "weights.safetensors")        // strict: every key used, every shape right
        try ModelFile.save(model, to: "model.safetensors")        // weights + architecture (JSON metadata)
        let restored = try ModelFile.load("model.safetensors")   // no code needed to rebuild it

        // Resumable training: a checkpoint after every epoch, written atomically.
        try fit(model, loss: loss, optimizer: optimizer, data: loader, epochs: 20, checkpoint: "checkpoint.safetensors")
        let checkpoint = try TrainingCheckpoint.read("checkpoint.safetensors")
        try fit(model, loss: loss, optimizer: optimizer, data: loader, epochs: 20, resuming: checkpoint)
        _ = restored
    }
    do {
        let (_, testSet) = try Digits.trainTestSplit()
        let images = testSet.inputs[0..<4]
        let model = Sequential { Flatten(); Dense(64, 32); ReLU(); Dense(32, 10) }
        model.eval()
        let explainer = Explainer(model)
        let saliency = explainer.saliency(images)                        // |∂logit/∂pixel| of the predicted class
        let ig = explainer.integratedGradients(images, target: 3, steps: 64)
        print(ig.relativeDelta)                                          // completeness: Σ attributions vs F(x) − F(0)
        let occlusion = explainer.occlusion(images, window: [1, 4, 4], strides: [1, 2, 2])

        let (_, activations) = model.activations(for: images)           // every layer's output, by name
        for layer in model.activationStatistics(on: testSet) { print(layer) }   // mean, variance, dead units
        let picture = ExplanationPicture.render(input: images[0], caption: "input", panels: [
            ExplanationPanel(title: "integrated gradients", attribution: ig.attributions[0], signed: true)])
        try picture.writePNG(to: "explanation.png")
        _ = (saliency, occlusion, activations)
    }
}
