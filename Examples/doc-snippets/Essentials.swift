// swift-format-ignore-file
// The blocks are verbatim copies of the documentation, formatting included.
import Neurite

/// Neurite.md, the catalog's landing page.
func overview() throws {
    let (train, test) = try Digits.trainTestSplit()
    let model = Sequential { Flatten(); Dense(64, 128); ReLU(); Dense(128, 10) }
    try fit(model, loss: { crossEntropy(logits: $0, classIndices: $1) },
            optimizer: try Adam(model.parameters, learningRate: 3e-3),
            data: DataLoader(train, batchSize: 32, shuffle: true, seed: 1), epochs: 10, validation: test)
}

/// GettingStarted.md (its package manifest is built by .ci/run, not here).
func gettingStarted() throws {
    DefaultGenerator.seed(0)                                  // like torch.manual_seed(0)
    let (train, test) = try Digits.trainTestSplit()           // inputs [N, 1, 8, 8], labels [N]
    let model = Sequential {
        Flatten()                                             // [N, 1, 8, 8] → [N, 64]
        Dense(64, 128)
        ReLU()
        Dense(128, 10)                                        // one logit per digit
    }
    let history = try fit(
        model, loss: { crossEntropy(logits: $0, classIndices: $1) },
        optimizer: try Adam(model.parameters, learningRate: 3e-3),
        data: DataLoader(train, batchSize: 32, shuffle: true, seed: 1),
        epochs: 20, validation: test)
    print(history.epochs.last!.validationAccuracy!)           // about 0.97

    let logits = model.predict(test.inputs)                   // evaluation mode, no gradients, batched
    let predicted = logits.argmax(axis: 1)                    // [360] class indices
    print(predicted[0].scalar, test.targets[0].scalar)        // 8.0 8.0
    let evaluation = evaluate(model, on: test, loss: { crossEntropy(logits: $0, classIndices: $1) })
    print(evaluation.accuracy!, evaluation.confusion!)        // accuracy and the 10 × 10 confusion matrix

    try ModelFile.save(model, to: "digits.safetensors")       // weights and architecture in one file
    let restored = try ModelFile.load("digits.safetensors")   // no code needed to rebuild it
    _ = restored
}

/// ComingFromPyTorch.md.
func comingFromPyTorch() throws {
    let images = Tensor.uniform([16, 784], seed: 0)
    let labels = Tensor((0..<16).map { Float($0 % 10) })
    let model = Sequential { Dense(784, 256); ReLU(); Dense(256, 10) }
    let optimizer = try Adam(model.parameters, learningRate: 1e-3)
    model.train()
    optimizer.zeroGradients()
    let loss = crossEntropy(logits: model(images), classIndices: labels)
    loss.backward()
    optimizer.step()
    print(loss.scalar)
}

/// ComingFromKeras.md.
func comingFromKeras() throws {
    let (train, test) = try Digits.trainTestSplit()
    let model = Sequential {
        Flatten()
        Dense(64, 64)                           // keras.layers.Dense(64) with input width 64
        ReLU()                                  // activation="relu"
        Dense(64, 10)
    }
    let stopping = EarlyStopping(monitor: "val_loss", patience: 3, restoreBestWeights: true)
    let history = try fit(
        model, loss: { crossEntropy(logits: $0, classIndices: $1) },     // "sparse_categorical_crossentropy", from_logits=True
        optimizer: try Adam(model.parameters, learningRate: 1e-3),
        data: DataLoader(train, batchSize: 32, shuffle: true, seed: 0),  // batch_size=32, shuffle=True
        epochs: 30, validation: test,                                   // validation_data=(x_test, y_test)
        earlyStopping: stopping)
    print(history.values(of: "val_accuracy"))                          // history.history["val_accuracy"]
    print(stopping.messages)                                          // when it stopped, which epoch it restored
}
