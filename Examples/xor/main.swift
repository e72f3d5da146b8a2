// Trains a two-layer network on XOR with raw tensors, automatic differentiation and a
// hand-written gradient-descent step, and prints the loss as it falls.
//
//     swift run -c release xor [--seed N] [--steps N]
import Foundation
import Neurite

/// Reports a command-line mistake on one line of standard error and exits with status 2.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("xor: \(message)\n".utf8))
    exit(2)
}

var seed: UInt64 = 7
var steps = 2000
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard let value = arguments.popFirst() else {
        fail("\(flag) needs a value")
    }
    switch flag {
    case "--seed":
        guard let parsed = UInt64(value) else { fail("--seed expects a non-negative integer, got '\(value)'") }
        seed = parsed
    case "--steps":
        guard let parsed = Int(value), parsed > 0 else { fail("--steps expects a positive integer, got '\(value)'") }
        steps = parsed
    default: fail("unknown option '\(flag)' (expected --seed N or --steps N)")
    }
}

let inputs = Tensor([0, 0, 0, 1, 1, 0, 1, 1], shape: [4, 2])
let targets = Tensor([0, 1, 1, 0], shape: [4, 1])

// 2 → 8 → 1, tanh hidden layer, sigmoid output. Weights are [in, out] here: this is raw
// tensor code, not the `Dense` layer.
var generator = PhiloxGenerator(seed: seed)
var w1 = Tensor.normal([2, 8], standardDeviation: 1, generator: &generator).requiringGradient()
var b1 = Tensor.zeros([8]).requiringGradient()
var w2 = Tensor.normal([8, 1], standardDeviation: 1, generator: &generator).requiringGradient()
var b2 = Tensor.zeros([1]).requiringGradient()
let learningRate: Float = 1.0

var loss = Float.nan
for step in 1...steps {
    let hidden = tanh(matmul(inputs, w1) + b1)
    let prediction = sigmoid(matmul(hidden, w2) + b2)
    let error = prediction - targets
    let mse = (error * error).mean()
    for parameter in [w1, b1, w2, b2] { parameter.gradient = nil }
    mse.backward()
    withoutGradients {
        w1 -= learningRate * w1.gradient!
        b1 -= learningRate * b1.gradient!
        w2 -= learningRate * w2.gradient!
        b2 -= learningRate * b2.gradient!
    }
    loss = mse.scalar
    if step == 1 || step % max(steps / 10, 1) == 0 {
        print("step \(step)  loss \(String(format: "%.6f", loss))")
    }
}

let finalPrediction = withoutGradients { sigmoid(matmul(tanh(matmul(inputs, w1) + b1), w2) + b2) }
print("predictions \(finalPrediction.scalars.map { String(format: "%.4f", $0) })")
print("final loss \(String(format: "%.6f", loss))")
