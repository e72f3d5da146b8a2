// Universal approximation: one hidden layer (tanh) fitting sin(x), |x| and a step on [−π, π];
// the maximum error shrinks as the layer widens. Prints a table.
//
//     swift run -c release approximation [--widths 1,4,16,64,256] [--epochs N]
import Foundation
import Neurite

var widths = [1, 4, 16, 64, 256], epochs = 1500
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard let value = arguments.popFirst() else { FileHandle.standardError.write(Data("approximation: \(flag) needs a value\n".utf8)); exit(2) }
    switch flag {
    case "--widths":
        let parsed = value.split(separator: ",").compactMap { Int($0) }
        guard !parsed.isEmpty, parsed.allSatisfy({ $0 > 0 }) else { FileHandle.standardError.write(Data("approximation: --widths expects positive integers\n".utf8)); exit(2) }
        widths = parsed
    case "--epochs":
        guard let parsed = Int(value), parsed > 0 else { FileHandle.standardError.write(Data("approximation: --epochs expects a positive integer\n".utf8)); exit(2) }
        epochs = parsed
    default: FileHandle.standardError.write(Data("approximation: unknown option '\(flag)'\n".utf8)); exit(2)
    }
}

let targets: [(String, (Float) -> Float)] = [("sin(x)", { sinf($0) }), ("|x|", { abs($0) }), ("step", { $0 < 0 ? 0 : 1 })]
let x = Tensor.linspace(-.pi, .pi, count: 256).reshaped([256, 1])
print("max |error| on 256 points of [-π, π], one hidden tanh layer, \(epochs) full-batch Adam steps")
print("width" + targets.map { $0.0.leftPadded(10) }.joined())
for width in widths {
    var row = String(width).leftPadded(5)
    for (_, function) in targets {
        let y = Tensor(x.scalars.map(function), shape: [256, 1])
        var generator = PhiloxGenerator(seed: UInt64(width))
        let model = Sequential { Dense(1, width, generator: &generator); Tanh(); Dense(width, 1, generator: &generator) }
        let optimizer = try Adam(model.parameters, learningRate: 0.01)
        for _ in 0..<epochs {
            optimizer.zeroGradients()
            meanSquaredError(model(x), y).backward()
            optimizer.step()
        }
        let error = withoutGradients { abs(model(x) - y).max().scalar }
        row += String(format: "%.4f", error).leftPadded(10)
    }
    print(row)
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
