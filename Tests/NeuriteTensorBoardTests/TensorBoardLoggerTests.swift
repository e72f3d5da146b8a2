import Foundation
import NeuriteCore
import NeuriteData
import NeuriteNN
import NeuriteOptimizers
import NeuritePlot
import NeuriteTrain
import Testing

@testable import NeuriteTensorBoard

@Suite("TensorBoard logger")
struct TensorBoardLoggerTests {
    func contains(_ record: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        return (0...(record.count - needle.count)).contains { record[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    @Test func aRunWritesHyperparametersThenOneEventPerEpochAndBatchLosses() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-tb-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var generator = PhiloxGenerator(seed: 1)
        let data = SyntheticData.spirals(pointsPerClass: 20, classes: 2, seed: 2)
        let model = Sequential {
            Dense(2, 8, generator: &generator)
            ReLU()
            Dense(8, 2, generator: &generator)
        }
        let logger = try TensorBoardLogger(directory: directory, hyperparameters: [("optimizer", "adam"), ("seed", "1")], everySteps: 2)
        try fit(
            model, loss: { crossEntropy(logits: $0, classIndices: $1) }, optimizer: try Adam(model.parameters),
            data: DataLoader(data, batchSize: 10), epochs: 3, validation: data, callbacks: [logger], progress: .quiet)
        logger.log(Charts.confusionMatrix([[3, 1], [0, 4]]), tag: "confusion matrix", step: 3)
        #expect(logger.lastError == nil)

        let records = try EventFileTests.records(of: logger.writer.path)
        // Version, hyper-parameters, 12 batches → 6 batch losses, 3 epochs, 1 picture.
        #expect(records.count == 1 + 1 + 6 + 3 + 1)
        #expect(contains(records[1], "| optimizer | adam |") && contains(records[1], "text"))
        let epochs = records.filter { contains($0, "val_loss") }
        #expect(epochs.count == 3)
        for tag in ["loss", "accuracy", "val_accuracy", "lr", "weights/0.weight", "gradients/2.bias"] {
            #expect(epochs.allSatisfy { contains($0, tag) }, "\(tag)")
        }
        #expect(records.filter { contains($0, "batch/loss") }.count == 6)
        #expect(contains(records.last!, "confusion matrix"))
        #expect(contains(records.last!, "IHDR"))
    }
}
