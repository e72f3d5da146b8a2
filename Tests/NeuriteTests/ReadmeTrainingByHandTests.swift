import Neurite
import Testing

@Suite("README training by hand")
struct ReadmeTrainingByHandTests {
    /// The "Training by hand" snippet of README.md, as written there, then checks of what it did.
    @Test func trainingByHandSnippetRunsAndLearns() throws {
        let (train, _) = try Digits.trainTestSplit()  // images [N, 1, 8, 8], labels [N]
        let model = Sequential {
            Flatten()
            Dense(64, 128)
            ReLU()
            Dense(128, 10)
        }
        let optimizer = try AdamW(model.parameters, learningRate: 3e-3)  // PyTorch's update rules
        let scheduler = LearningRateScheduler(
            optimizer,  // steps once per batch here
            schedule: LinearWarmup(steps: 100, startFactor: 0.1, then: CosineAnnealing(period: 350)), unit: .batch)
        let loader = DataLoader(train, batchSize: 32, shuffle: true, seed: 1)
        for epoch in 0..<10 {
            model.train()
            for batch in loader.batches(epoch: epoch) {
                optimizer.zeroGradients()
                let loss = crossEntropy(logits: model(batch.inputs), classIndices: batch.targets)
                loss.backward()
                clipGradientNorm(model.parameters, maxNorm: 1)  // returns the norm before clipping
                optimizer.step()
                scheduler.step()  // after optimizer.step(), as in PyTorch
            }
        }
        // 10 epochs of 45 batches: the warm-up then the whole cosine, ending at a rate of 0.
        #expect(scheduler.stepCount == 450)
        #expect(abs(optimizer.groups[0].learningRate) < 1e-9)
        let accuracy = evaluate(model, on: train, loss: { crossEntropy(logits: $0, classIndices: $1) }).accuracy!
        #expect(accuracy > 0.9, "training accuracy \(accuracy)")
    }
}
