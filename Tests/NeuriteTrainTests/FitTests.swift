import NeuriteCore
import NeuriteData
import NeuriteNN
import NeuriteOptimizers
import NeuriteTrain
import Testing
import _NeuriteTestSupport

@Suite("Training")
struct FitTests {
    @Test func fitLearnsTheDigitsAndReportsAHistory() throws {
        let (train, test) = try Digits.trainTestSplit()
        let (fitting, validation) = train.split(fraction: 0.9, seed: 1)
        var generator = PhiloxGenerator(seed: 2)
        let model = Sequential {
            Flatten()
            Dense(64, 64, generator: &generator)
            ReLU()
            Dense(64, 10, generator: &generator)
        }
        let optimizer = try Adam(model.parameters, learningRate: 0.01)
        let scheduler = LearningRateScheduler(optimizer, schedule: StepDecay(stepSize: 4, gamma: 0.5))
        let history = try fit(
            model, loss: { crossEntropy(logits: $0, classIndices: $1) }, optimizer: optimizer,
            data: DataLoader(fitting, batchSize: 64, shuffle: true, seed: 3), epochs: 8, validation: validation,
            scheduler: scheduler, progress: .quiet)
        #expect(history.epochs.count == 8 && history.stopReason == nil)
        let losses = history.values(of: "loss").compactMap { $0 }
        #expect(losses.last! < 0.5 * losses.first!)
        #expect(history.epochs.map(\.learningRate) == [0.01, 0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.005])
        #expect(history.epochs.allSatisfy { $0.validationAccuracy != nil && $0.seconds > 0 })
        let result = evaluate(model, on: test, loss: { crossEntropy(logits: $0, classIndices: $1) })
        #expect(result.accuracy! > 0.9, "test accuracy \(result.accuracy!)")
        #expect(result.confusion!.flatMap { $0 }.reduce(0, +) == 360)
        #expect(!model.isTraining)
    }

    @Test func earlyStoppingEndsTrainingAndTheHistorySaysWhy() throws {
        let data = SyntheticData.xor()
        let model = Sequential {
            Dense(2, 4)
            Tanh()
            Dense(4, 2)
        }
        let optimizer = try SGD(model.parameters, learningRate: 0)  // nothing improves
        let stopping = EarlyStopping(monitor: "loss", patience: 2)
        let history = try fit(
            model, loss: { crossEntropy(logits: $0, classIndices: $1) }, optimizer: optimizer,
            data: DataLoader(data, batchSize: 4), epochs: 50, earlyStopping: stopping, progress: .quiet)
        #expect(history.epochs.count == 3)
        #expect(history.stopReason == "Epoch 3: early stopping")
    }

    @Test func divergenceStopsBeforeTheBadUpdateAndNamesTheStep() throws {
        let data = TensorDataset(inputs: Tensor.ones([8, 1]), targets: Tensor.ones([8, 1]))
        let model = Dense(1, 1)
        let before = model.parameters.map(\.value)
        var calls = 0
        let history = try fit(
            model,
            loss: { output, target in
                calls += 1
                return calls == 3 ? meanSquaredError(output, target) * Float.nan : meanSquaredError(output, target)
            }, optimizer: try SGD(model.parameters, learningRate: 0), data: DataLoader(data, batchSize: 2), epochs: 3,
            task: .regression, progress: .quiet)
        #expect(history.stopReason == "training diverged at epoch 1, step 3 (global step 3): the loss is nan")
        #expect(model.parameters.map(\.value) == before)
        #expect(history.epochs.isEmpty)
    }

    @Test func regressionOnANoisyFunction() throws {
        let data = SyntheticData.function({ $0 * $0 }, in: -2...2, count: 256, noise: 0.05, seed: 4)
        var generator = PhiloxGenerator(seed: 5)
        let model = Sequential {
            Dense(1, 32, generator: &generator)
            Tanh()
            Dense(32, 1, generator: &generator)
        }
        try fit(
            model, loss: { meanSquaredError($0, $1) }, optimizer: try Adam(model.parameters, learningRate: 0.02),
            data: DataLoader(data, batchSize: 32, shuffle: true, seed: 6), epochs: 60, task: .regression, progress: .quiet)
        let result = evaluate(model, on: data, loss: { meanSquaredError($0, $1) }, task: .regression)
        #expect(result.meanAbsoluteError! < 0.15, "MAE \(result.meanAbsoluteError!)")
    }

    /// Without `task:`, a model whose outputs have the targets' shape is a regression: `fit`
    /// reports the mean absolute error (training and validation) instead of failing in the
    /// accuracy, and `evaluate` infers the same; `[B, C]` logits with `[B]` labels stay
    /// classification.
    /// `predict`: evaluation mode (dropout off), no gradients, in batches, the mode restored.
    @Test func predictRunsInEvaluationModeInBatches() {
        var generator = PhiloxGenerator(seed: 12)
        let model = Sequential {
            Dense(3, 8, generator: &generator)
            ReLU()
            Dropout(0.5)
            Dense(8, 2, generator: &generator)
        }
        let inputs = Tensor.normal([10, 3], generator: &generator).requiringGradient()
        model.eval()
        let expected = withoutGradients { model(inputs) }
        model.train()
        for batchSize in [1, 3, 10, 64] {
            let outputs = model.predict(inputs, batchSize: batchSize)
            #expect(outputs.shape == [10, 2] && outputs.scalars == expected.scalars, "batch size \(batchSize)")
            #expect(!outputs.requiresGradient)
        }
        #expect(model.isTraining, "the mode is restored")
    }

    @Test func theTaskIsInferredFromTheShapes() throws {
        let data = SyntheticData.function({ 2 * $0 + 1 }, in: -1...1, count: 128, noise: 0, seed: 8)
        let (train, validation) = data.split(fraction: 0.75, seed: 9)
        var generator = PhiloxGenerator(seed: 10)
        let model = Dense(1, 1, generator: &generator)
        let history = try fit(
            model, loss: { meanSquaredError($0, $1) }, optimizer: try Adam(model.parameters, learningRate: 0.05),
            data: DataLoader(train, batchSize: 16, shuffle: true, seed: 11), epochs: 30, validation: validation, progress: .quiet)
        let first = history.epochs.first!, last = history.epochs.last!
        #expect(first["accuracy"] == nil && first["val_accuracy"] == nil)
        #expect(last["mae"]! < first["mae"]! / 10 && last["val_mae"]! < 0.05, "\(first) → \(last)")
        let evaluation = evaluate(model, on: validation, loss: { meanSquaredError($0, $1) })
        #expect(evaluation.accuracy == nil && abs(evaluation.meanAbsoluteError! - last["val_mae"]!) < 1e-9)
        #expect(evaluation.outputs?.scalars == model.predict(validation.inputs).scalars, "evaluate returns the outputs")
        #expect(PredictionTask.inferred(outputs: [8, 3], targets: [8], in: "test") == .classification)
        #expect(PredictionTask.inferred(outputs: [8, 1], targets: [8, 1], in: "test") == .regression)
        #expect(PredictionTask.inferred(outputs: [8, 2, 2], targets: [8, 2, 2], in: "test") == .regression)
    }
}

@Suite("Metrics")
struct MetricTests {
    @Test func classificationMetrics() {
        let logits = Tensor(rows: [[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
        let labels = Tensor([1, 1, 2, 2])
        #expect(Metrics.accuracy(logits: logits, labels: labels) == 0.5)
        #expect(Metrics.topKAccuracy(logits: logits, labels: labels, k: 2) == 0.75)
        let confusion = Metrics.confusionMatrix(predictions: logits.argmax(axis: 1), labels: labels, classes: 3)
        #expect(confusion == [[0, 0, 0], [1, 1, 0], [1, 0, 1]])
        let scores = Metrics.classScores(confusion: confusion)
        #expect(scores[0] == Metrics.ClassScores(precision: 0, recall: 0, f1: 0, support: 0))
        #expect(scores[1].precision == 1 && scores[1].recall == 0.5 && abs(scores[1].f1 - 2.0 / 3) < 1e-12)
        #expect(scores[2].support == 2)
    }

    @Test func regressionMetrics() {
        #expect(Metrics.meanAbsoluteError(Tensor([1, 2, 3]), Tensor([1, 4, 2])) == 1)
        #expect(Metrics.meanSquaredError(Tensor([1, 2, 3]), Tensor([1, 4, 2])) == Double(Float(5.0 / 3)))
    }
}

@Suite("README data and training")
struct ReadmeDataTrainingTests {
    /// The "Data and training" snippet of README.md (fewer epochs: debug builds are slow).
    @Test func dataAndTrainingSnippetRuns() throws {
        DefaultGenerator.seed(0)
        let (train, test) = try Digits.trainTestSplit()
        let model = Sequential {
            Flatten()
            Dense(64, 256)
            ReLU()
            Dense(256, 10)
        }
        let stopping = EarlyStopping(monitor: "val_loss", patience: 5, restoreBestWeights: true)
        let history = try fit(
            model, loss: { crossEntropy(logits: $0, classIndices: $1) },
            optimizer: try Adam(model.parameters, learningRate: 3e-3),
            data: DataLoader(train, batchSize: 32, shuffle: true, seed: 2),
            epochs: 4, validation: test, earlyStopping: stopping, progress: .quiet)
        #expect(history.epochs.count == 4)
        #expect(evaluate(model, on: test, loss: { crossEntropy(logits: $0, classIndices: $1) }).accuracy! > 0.85)
    }
}

@Suite("Training with everything at once")
struct CombinedTrainingTests {
    @Test func weightDecayDropoutBatchNormAugmentationAndEarlyStoppingTogether() throws {
        let (train, test) = try Digits.trainTestSplit()
        var generator = PhiloxGenerator(seed: 21)
        let model = Sequential {
            Flatten()
            Dense(64, 64, generator: &generator)
            BatchNorm(64)
            ReLU()
            Dropout(0.1, generator: PhiloxGenerator(seed: 22))
            Dense(64, 10, generator: &generator)
        }
        let optimizer = try AdamW(model.parameters, learningRate: 5e-3, weightDecay: 0.01)
        let plateau = ReduceOnPlateau(optimizer, factor: 0.5, patience: 0, monitor: "val_loss")
        let stopping = EarlyStopping(monitor: "val_accuracy", patience: 3, restoreBestWeights: true)
        let loader = DataLoader(
            train, batchSize: 64, shuffle: true, seed: 23,
            transform: Augmentation.pipeline([.rotation(degrees: 5), .gaussianNoise(standardDeviation: 0.02)]))
        let history = try fit(
            model, loss: { crossEntropy(logits: $0, classIndices: $1) }, optimizer: optimizer, data: loader,
            epochs: 6, validation: test,
            reduceOnPlateau: plateau, earlyStopping: stopping, progress: .quiet)
        #expect(!history.epochs.isEmpty)
        let accuracy = evaluate(model, on: test, loss: { crossEntropy(logits: $0, classIndices: $1) }).accuracy!
        #expect(accuracy > 0.85, "test accuracy \(accuracy)")
        #expect(accuracy >= (history.values(of: "val_accuracy").compactMap { $0 }.max() ?? 1) - 1e-9)  // best weights restored
    }

    @Test func fitStepsReduceOnPlateauWithItsMonitoredMetric() throws {
        let data = SyntheticData.xor()
        let model = Sequential {
            Dense(2, 4)
            Tanh()
            Dense(4, 2)
        }
        let moving = try SGD(model.parameters, learningRate: 1e-9)
        let plateau = ReduceOnPlateau(moving, factor: 0.5, patience: 0, epsilon: 0, monitor: "accuracy")
        let history = try fit(
            model, loss: { crossEntropy(logits: $0, classIndices: $1) }, optimizer: moving,
            data: DataLoader(data, batchSize: 4), epochs: 3, reduceOnPlateau: plateau, progress: .quiet)
        // Accuracy stays put, so each epoch after the first halves the rate (read with mode .min: no improvement).
        #expect(history.epochs.map(\.learningRate) == [1e-9, 1e-9, 5e-10])
        #expect(moving.groups[0].learningRate == 2.5e-10)
    }

    @Test func divergenceGuardNamesANonFiniteGradient() throws {
        let model = Dense(1, 1)
        let context = TrainingContext(model: model, optimizer: try SGD(model.parameters), epochs: 1, batchesPerEpoch: 1)
        model.weight.value.gradient = Tensor([.infinity], shape: [1, 1])
        DivergenceGuard().gradientsComputed(context, loss: 1)
        #expect(context.stopReason == "training diverged at epoch 1, step 1 (global step 1): the gradient of weight is not finite")
    }
}
