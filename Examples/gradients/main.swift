// Depth and vanishing gradients: the gradient norm reaching each layer of a 20-layer stack, for
// sigmoid and ReLU, plain, with residual connections and with batch normalisation. Prints a table
// of the norms of the first, middle and last layers' weight gradients.
//
//     swift run -c release gradients [--depth N]
import Foundation
import Neurite

var depth = 20
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--depth", let value = Int(CommandLine.arguments[2]), value >= 3 {
    depth = value
} else if CommandLine.arguments.count != 1 {
    FileHandle.standardError.write(Data("gradients: usage: gradients [--depth N] (N ≥ 3)\n".utf8))
    exit(2)
}

@MainActor func stack(_ activation: () -> Module, residual: Bool, batchNorm: Bool) -> Sequential {
    var generator = PhiloxGenerator(seed: 1)
    return Sequential {
        Dense(16, 32, generator: &generator)
        for _ in 0..<depth {
            if residual {
                Residual(
                    Sequential {
                        Dense(32, 32, generator: &generator)
                        activation()
                    })
            } else {
                Dense(32, 32, generator: &generator)
                if batchNorm { BatchNorm(32) }
                activation()
            }
        }
        Dense(32, 1, generator: &generator)
    }
}

let x = Tensor.normal([64, 16], seed: 2), y = Tensor.normal([64, 1], seed: 3)
print("gradient norm of the weights of layer 1, \(depth / 2) and \(depth) (of \(depth) hidden layers)")
print("network".padding(toLength: 26, withPad: " ", startingAt: 0) + "first".leftPadded(12) + "middle".leftPadded(12) + "last".leftPadded(12))
for (name, activation) in [("sigmoid", { Sigmoid() as Module }), ("relu", { ReLU() as Module })] {
    for (variant, residual, batchNorm) in [("plain", false, false), ("residual", true, false), ("batch norm", false, true)] {
        let model = stack(activation, residual: residual, batchNorm: batchNorm)
        meanSquaredError(model(x), y).backward()
        let norms = model.parameters.filter { $0.shape == [32, 32] }.map { parameter in
            Double(withoutGradients { sqrt(square(parameter.gradient!).sum()).scalar })
        }
        let picks = [norms[0], norms[norms.count / 2], norms[norms.count - 1]]
        print(
            "\(name), \(variant)".padding(toLength: 26, withPad: " ", startingAt: 0)
                + picks.map { String(format: "%.3e", $0).leftPadded(12) }.joined())
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
