import Foundation
import NeuriteCore
import NeuriteData
import NeuriteNN
import NeuriteOptimizers
import Testing
import _NeuriteTestSupport

@testable import NeuriteTrain

func log(_ epoch: Int, validationLoss: Double? = nil, validationAccuracy: Double? = nil, loss: Double = 1) -> EpochLog {
    var metrics: MetricValues = ["loss": loss]
    metrics["val_loss"] = validationLoss
    metrics["val_accuracy"] = validationAccuracy
    return EpochLog(epoch: epoch, metrics: metrics, learningRate: 0.1, seconds: 0)
}

func context(_ model: Module = Dense(2, 1)) throws -> TrainingContext {
    TrainingContext(model: model, optimizer: try SGD(model.parameters, learningRate: 0.1), epochs: 10, batchesPerEpoch: 1)
}

@Suite("Callbacks")
struct CallbackTests {
    @Test func earlyStoppingFollowsKeras3() throws {
        // golden (Keras): patience 2, val_loss [2.3205, 2.3212, 2.3231] → stops after epoch 3,
        // best epoch 1, restoring its weights.
        let model = Dense(2, 1)
        let context = try context(model)
        let stopping = EarlyStopping(patience: 2, restoreBestWeights: true)
        stopping.trainingBegan(context)
        let bestWeights = model.parameters.map(\.value)
        for (epoch, value) in [2.3205, 2.3212, 2.3231].enumerated() {
            stopping.epochEnded(context, log: log(epoch, validationLoss: value))
            withoutGradients { for parameter in model.parameters { parameter.value += 1 } }  // training moves on
            if context.isStopping { break }
        }
        #expect(context.stopReason == "Epoch 3: early stopping")
        #expect(stopping.bestEpoch == 0 && stopping.stoppedEpoch == 2)
        stopping.trainingEnded(context)
        #expect(stopping.messages == ["Epoch 3: early stopping", "Restoring model weights from the end of the best epoch: 1."])
        #expect(model.parameters.map(\.value) == bestWeights)
        #expect(model.parameters.allSatisfy { $0.value.requiresGradient })
    }

    @Test func earlyStoppingDetails() throws {
        // Equal is not an improvement; minDelta widens the bar; accuracy is maximised in auto mode.
        let c1 = try context()
        let equal = EarlyStopping(patience: 1)
        equal.trainingBegan(c1)
        equal.epochEnded(c1, log: log(0, validationLoss: 1))
        equal.epochEnded(c1, log: log(1, validationLoss: 1))
        #expect(c1.isStopping)
        let c2 = try context()
        let delta = EarlyStopping(minDelta: 0.1, patience: 1)
        delta.trainingBegan(c2)
        delta.epochEnded(c2, log: log(0, validationLoss: 1))
        delta.epochEnded(c2, log: log(1, validationLoss: 0.95))
        #expect(c2.isStopping)
        let c3 = try context()
        let accuracy = EarlyStopping(monitor: "val_accuracy", patience: 1)
        accuracy.trainingBegan(c3)
        accuracy.epochEnded(c3, log: log(0, validationAccuracy: 0.5))
        accuracy.epochEnded(c3, log: log(1, validationAccuracy: 0.6))
        #expect(!c3.isStopping && accuracy.best == 0.6)
        // Errors are minimised in auto mode: a falling validation MAE is an improvement.
        let cMAE = try context()
        let error = EarlyStopping(monitor: "val_mae", patience: 1)
        error.trainingBegan(cMAE)
        for (epoch, value) in [0.4, 0.3, 0.2].enumerated() {
            error.epochEnded(cMAE, log: EpochLog(epoch: epoch, metrics: ["loss": 1, "val_mae": value], learningRate: 0.1, seconds: 0))
        }
        #expect(!cMAE.isStopping && error.best == 0.2 && error.bestEpoch == 2)
        let c4 = try context()
        let missing = EarlyStopping(monitor: "val_loss")
        missing.trainingBegan(c4)
        missing.epochEnded(c4, log: log(0))
        #expect(missing.messages == ["Early stopping conditioned on metric `val_loss` which is not available. Available metrics are: loss,lr"])
        // Restores even when it did not stop training (Keras 3).
        let model = Dense(1, 1)
        let c5 = try context(model)
        let restoring = EarlyStopping(patience: 5, restoreBestWeights: true)
        restoring.trainingBegan(c5)
        let best = model.parameters.map(\.value)
        restoring.epochEnded(c5, log: log(0, validationLoss: 1))
        withoutGradients { for parameter in model.parameters { parameter.value += 1 } }
        restoring.epochEnded(c5, log: log(1, validationLoss: 2))
        restoring.trainingEnded(c5)
        #expect(!c5.isStopping && model.parameters.map(\.value) == best)
    }

    @Test func csvLoggerWritesCompleteFiles() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-history-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let context = try context()
        let logger = CSVLogger(path: path)
        logger.epochEnded(context, log: EpochLog(epoch: 0, metrics: ["loss": 0.5, "accuracy": 0.75], learningRate: 0.1, seconds: 1.5))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "epoch,loss,accuracy,lr,seconds\n1,0.5,0.75,0.1,1.5\n")
        // Columns are every metric any epoch has, in order of appearance; gaps stay empty.
        var history = History()
        history.epochs = [
            EpochLog(epoch: 0, metrics: ["loss": 2], learningRate: 0.1, seconds: 1),
            EpochLog(epoch: 1, metrics: ["loss": 1, "val_loss": 1.5], learningRate: 0.05, seconds: 1),
        ]
        #expect(history.csv == "epoch,loss,val_loss,lr,seconds\n1,2.0,,0.1,1.0\n2,1.0,1.5,0.05,1.0\n")
        #expect(logger.lastError == nil)
    }

    @Test func progressFormatsLikeKeras() {
        #expect(ProgressPrinter.counter(7, 469) == "  7/469")
        #expect(ProgressPrinter.bar(5, 10) == "━━━━━━━━━━──────────")
        #expect(ProgressPrinter.duration(7.4) == "7s" && ProgressPrinter.duration(65) == "1:05" && ProgressPrinter.duration(3723) == "1:02:03")
        #expect(
            ProgressPrinter.stepTime(2) == "2s/step" && ProgressPrinter.stepTime(0.115) == "115ms/step"
                && ProgressPrinter.stepTime(0.00083) == "830us/step")
        #expect(ProgressPrinter.value(0.51234) == "0.5123" && ProgressPrinter.value(0) == "0.0000e+00")
        var lines: [String] = []
        let printer = ProgressPrinter(style: .lines) { lines.append($0) }
        let context = try! context()
        printer.epochEnded(
            context,
            log: EpochLog(
                epoch: 0, metrics: ["loss": 0.5, "accuracy": 0.75, "val_loss": 0.6, "val_accuracy": 0.7],
                learningRate: 0.001, seconds: 2))
        // Keras's order (its logs sorted by name): golden keras_ux_raw.txt.
        #expect(lines == ["Epoch 1/10 - 1/1 - 2s 2s/step - accuracy: 0.7500 - loss: 0.5000 - val_accuracy: 0.7000 - val_loss: 0.6000 - lr: 0.0010\n"])
    }
}
