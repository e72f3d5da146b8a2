// A first-day program: a layer of your own and a training loop written by hand. RMSNorm (Zhang &
// Sennrich, 2019; PyTorch's nn.RMSNorm) is not built in, so it is written here: its parameter,
// its initialisation, its configuration for model files, a check of its gradients against
// finite differences, then a network with it trained on the built-in digits by a hand-written
// loop, saved and reloaded.
//
//     swift run -c release custom-layer [--epochs N] [--output DIR]
import Foundation
import Neurite

/// `y = x / √(mean(x²) + ε) · weight` over the last axis (PyTorch's `nn.RMSNorm(features)`):
/// normalises each sample's scale without centring it. Input `[…, features]`; weight starts at 1; ε
/// is PyTorch's default, float32's machine epsilon.
final class RMSNorm: Module, DescribableLayer {
    /// `{"features": 128, "epsilon": 1.1920929e-07}` in model files.
    struct Configuration: LayerConfiguration {
        var features: Int
        var epsilon: Float = .ulpOfOne
        func validate() throws(LayerConfigurationError) {
            try LayerConfigurationError.require(features > 0, "features \(features) must be positive")
            try LayerConfigurationError.require(epsilon > 0 && epsilon.isFinite, "epsilon \(epsilon) must be positive")
        }
    }
    let configuration: Configuration
    let weight: Parameter

    init(_ features: Int, epsilon: Float = .ulpOfOne) {
        configuration = Configuration(features: features, epsilon: epsilon).validated(for: "RMSNorm")
        weight = Parameter(Tensor.ones([features]))
        super.init()
    }

    /// Rebuilds the layer from a model file (the weight is then loaded from the file).
    convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(configuration.features, epsilon: configuration.epsilon)
    }

    override func forward(_ input: Tensor) -> Tensor {
        precondition(input.shape.last == configuration.features, "RMSNorm(\(configuration.features)): input \(input.shape)")
        let meanSquare = input.square().mean(axis: -1, keepDims: true)
        return input / (meanSquare + configuration.epsilon).sqrt() * weight.value
    }

    override var layerDescription: String { "RMSNorm(\(configuration.features))" }
}

var epochs = 15, output = "custom-layer-run"
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard let value = arguments.popFirst() else {
        FileHandle.standardError.write(Data("custom-layer: \(flag) needs a value\n".utf8))
        exit(2)
    }
    switch flag {
    case "--epochs" where Int(value).map { $0 > 0 } == true: epochs = Int(value)!
    case "--output": output = value
    default:
        FileHandle.standardError.write(Data("custom-layer: bad option '\(flag) \(value)'\n".utf8))
        exit(2)
    }
}
try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)

// 1. The layer's gradients, from automatic differentiation, against central differences.
let probe = RMSNorm(5)
probe.weight.value = Tensor.uniform([5], low: 0.5, high: 1.5, seed: 1)
let check = checkGradients(of: { probe($0[0]).sin().sum() }, at: [Tensor.normal([3, 5], seed: 2)])
print("gradient check of RMSNorm: \(check.passed ? "passed" : "FAILED") (\(check.comparedEntries) entries)")

// 2. A network with it, trained by hand.
DefaultGenerator.seed(0)
let (train, test) = try Digits.trainTestSplit()
let model = Sequential {
    Flatten()
    Dense(64, 128)
    RMSNorm(128)
    ReLU()
    Dense(128, 10)
}
let optimizer = try AdamW(model.parameters, learningRate: 3e-3)
let scheduler = LearningRateScheduler(optimizer, schedule: CosineAnnealing(period: epochs))  // steps per epoch
let loader = DataLoader(train, batchSize: 32, shuffle: true, seed: 1)
for epoch in 0..<epochs {
    model.train()
    var lossSum: Float = 0
    for (inputs, targets) in loader {  // each pass over the loader is the next epoch's order
        optimizer.zeroGradients()
        let loss = crossEntropy(logits: model(inputs), classIndices: targets)
        loss.backward()
        optimizer.step()
        lossSum += loss.scalar
    }
    scheduler.step()
    let predicted = model.predict(test.inputs).argmax(axis: 1)  // evaluation mode, no gradients
    let accuracy = (predicted .== test.targets).mean().scalar
    print(String(format: "epoch %2d  loss %.4f  test accuracy %.4f", epoch + 1, lossSum / Float(loader.batchCount), accuracy))
}

// 3. Saved with the layer registered, and rebuilt from the file alone.
LayerRegistry.register(RMSNorm.self)
let path = "\(output)/rmsnorm-digits.safetensors"
try ModelFile.save(model, to: path)
let reloaded = try ModelFile.load(path)
print(reloaded)
let identical = reloaded.predict(test.inputs).scalars == model.predict(test.inputs).scalars
print("reloaded \(path): \(identical ? "identical" : "DIFFERENT") predictions")
if !check.passed || !identical { exit(1) }
