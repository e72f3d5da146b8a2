// Universal approximation: one hidden layer (tanh) fitting sin(x), |x| and a step on [−π, π];
// the maximum error shrinks as the layer widens. Prints a table.
//
//     swift run -c release approximation [--widths 1,4,16,64,256] [--epochs N] [--plot FILE.png]
//
// With --plot, also draws each function and the fits of every width as a PNG.
import Foundation
import Neurite

var widths = [1, 4, 16, 64, 256], epochs = 1500
var plotPath: String?
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard let value = arguments.popFirst() else {
        FileHandle.standardError.write(Data("approximation: \(flag) needs a value\n".utf8))
        exit(2)
    }
    switch flag {
    case "--widths":
        let parsed = value.split(separator: ",").compactMap { Int($0) }
        guard !parsed.isEmpty, parsed.allSatisfy({ $0 > 0 }) else {
            FileHandle.standardError.write(Data("approximation: --widths expects positive integers\n".utf8))
            exit(2)
        }
        widths = parsed
    case "--plot":
        plotPath = value
    case "--epochs":
        guard let parsed = Int(value), parsed > 0 else {
            FileHandle.standardError.write(Data("approximation: --epochs expects a positive integer\n".utf8))
            exit(2)
        }
        epochs = parsed
    default:
        FileHandle.standardError.write(Data("approximation: unknown option '\(flag)'\n".utf8))
        exit(2)
    }
}

let targets: [(String, (Float) -> Float)] = [("sin(x)", { sinf($0) }), ("|x|", { abs($0) }), ("step", { $0 < 0 ? 0 : 1 })]
let x = Tensor.linspace(-.pi, .pi, count: 256).reshaped([256, 1])
print("max |error| on 256 points of [-π, π], one hidden tanh layer, \(epochs) full-batch Adam steps")
print("width" + targets.map { $0.0.leftPadded(10) }.joined())
var fits: [[Charts.Series]] = targets.map { name, function in [Charts.Series(name, x.scalars.map { Double(function($0)) }, color: .black)] }
let palette: [Color] = [.red, .orange, .green, .blue, Color(148, 103, 189), Color(140, 86, 75)]
for (widthIndex, width) in widths.enumerated() {
    var row = String(width).leftPadded(5)
    for (name, function) in targets {
        let y = Tensor(x.scalars.map(function), shape: [256, 1])
        var generator = PhiloxGenerator(seed: UInt64(width))
        let model = Sequential {
            Dense(1, width, generator: &generator)
            Tanh()
            Dense(width, 1, generator: &generator)
        }
        let optimizer = try Adam(model.parameters, learningRate: 0.01)
        for _ in 0..<epochs {
            optimizer.zeroGradients()
            meanSquaredError(model(x), y).backward()
            optimizer.step()
        }
        let prediction = withoutGradients { model(x) }
        let error = withoutGradients { abs(prediction - y).max().scalar }
        row += String(format: "%.4f", error).leftPadded(10)
        let target = targets.firstIndex { $0.0 == name }!
        fits[target].append(
            Charts.Series("width \(width)", prediction.scalars.map(Double.init), color: palette[widthIndex % palette.count], dashed: true))
    }
    print(row)
}
if let plotPath {
    var canvas = Canvas(width: 1200, height: 420)
    for (index, series) in fits.enumerated() {
        Charts.lineChart(
            series, title: targets[index].0, xLabel: "x from -pi to pi", into: &canvas, x: index * 400, y: 0, width: 400, height: 420, markers: false)
    }
    do { try canvas.writePNG(to: plotPath) } catch {
        FileHandle.standardError.write(Data("approximation: \(error)\n".utf8))
        exit(1)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
