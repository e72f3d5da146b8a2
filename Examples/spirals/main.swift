// Why hidden layers and nonlinearity matter: a linear model cannot separate two interleaved
// spirals; one hidden layer with a nonlinearity can.
//
//     swift run -c release spirals [--points N] [--epochs N]
import Foundation
import Neurite

var points = 200, epochs = 300
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard let value = arguments.popFirst().flatMap(Int.init), value > 0 else {
        FileHandle.standardError.write(Data("spirals: \(flag) needs a positive integer\n".utf8))
        exit(2)
    }
    switch flag {
    case "--points": points = value
    case "--epochs": epochs = value
    default:
        FileHandle.standardError.write(Data("spirals: unknown option '\(flag)'\n".utf8))
        exit(2)
    }
}

let data = SyntheticData.spirals(pointsPerClass: points, classes: 2, noise: 0.1, seed: 1)
@MainActor func accuracy(of name: String, _ model: Sequential) throws -> Double {
    let loss = { (logits: Tensor, labels: Tensor) in crossEntropy(logits: logits, classIndices: labels) }
    try fit(
        model, loss: loss, optimizer: try Adam(model.parameters, learningRate: 0.01),
        data: DataLoader(data, batchSize: 32, shuffle: true, seed: 2), epochs: epochs, progress: .quiet)
    let result = evaluate(model, on: data, loss: loss).accuracy!
    print(String(format: "%@ training accuracy %.3f", name.padding(toLength: 34, withPad: " ", startingAt: 0), result))
    return result
}
var generator = PhiloxGenerator(seed: 3)
let linear = try accuracy(of: "linear (2 → 2)", Sequential { Dense(2, 2, generator: &generator) })
let noActivation = try accuracy(
    of: "two linear layers (2 → 64 → 2)",
    Sequential {
        Dense(2, 64, generator: &generator)
        Dense(64, 2, generator: &generator)
    })
let hidden = try accuracy(
    of: "hidden layer, tanh (2 → 64 → 2)",
    Sequential {
        Dense(2, 64, generator: &generator)
        Tanh()
        Dense(64, 2, generator: &generator)
    })
// Without a nonlinearity two layers collapse into one linear map: both linear models find the same
// boundary, a straight line, which cannot follow the arms.
let separates = hidden >= 0.95 && max(linear, noActivation) < 0.9
print("a hidden layer with a nonlinearity: \(separates ? "separates the spirals" : "did not separate them")")
