import NeuriteCore

/// ONNX operators on tensors (opset 13–17 semantics), for `ONNXGraph`. Shapes that do not fit
/// stop the program with the operator and the shapes, as every Neurite operation does.
enum ONNXOperators {
    static func run(_ node: ONNXGraph.Node, _ inputs: [Tensor?]) -> [Tensor] {
        func input(_ index: Int) -> Tensor {
            guard index < inputs.count, let value = inputs[index] else { fatalError("ONNXGraph: \(node.op) is missing input \(index)") }
            return value
        }
        func optional(_ index: Int) -> Tensor? { index < inputs.count ? inputs[index] : nil }
        func integers(_ tensor: Tensor) -> [Int] { tensor.scalars.map { Int($0) } }
        func axis(_ value: Int, _ rank: Int) -> Int { value < 0 ? value + rank : value }
        /// Channel-wise values shaped to broadcast over `[N, C, …]`.
        func perChannel(_ values: Tensor, rank: Int) -> Tensor { values.reshaped([1, values.scalarCount] + Array(repeating: 1, count: rank - 2)) }
        /// Symmetric pads from ONNX's [begins…, ends…].
        func symmetric(_ pads: [Int]?, count: Int) -> [Int] {
            guard let pads else { return Array(repeating: 0, count: count) }
            precondition(Array(pads.prefix(count)) == Array(pads.suffix(count)), "ONNXGraph: \(node.op) with asymmetric pads \(pads)")
            return Array(pads.prefix(count))
        }

        switch node.op {
        case "Identity", "Dropout": return [input(0)]
        case "Relu": return [relu(input(0))]
        case "Sigmoid": return [sigmoid(input(0))]
        case "Tanh": return [tanh(input(0))]
        case "Erf": return [erf(input(0))]
        case "Exp": return [exp(input(0))]
        case "Log": return [log(input(0))]
        case "Sqrt": return [sqrt(input(0))]
        case "Neg": return [-input(0)]
        case "Abs": return [abs(input(0))]
        case "LeakyRelu": return [leakyRelu(input(0), negativeSlope: node.float("alpha", 0.01))]
        case "Elu": return [elu(input(0), alpha: node.float("alpha", 1))]
        case "HardSwish": return [hardswish(input(0))]
        case "Softplus":
            let x = input(0)
            return [relu(x) + log(exp(-abs(x)) + 1)]  // log(1 + eˣ) without overflow
        case "PRelu":
            let x = input(0), slope = input(1)
            return [relu(x) - slope * relu(-x)]
        case "Add": return [input(0) + input(1)]
        case "Sub": return [input(0) - input(1)]
        case "Mul": return [input(0) * input(1)]
        case "Div": return [input(0) / input(1)]
        case "Pow": return [pow(input(0), input(1))]
        case "MatMul": return [matmul(input(0), input(1))]
        case "Gemm":
            var product = matmul(input(0), input(1), transposeA: node.int("transA", 0) == 1, transposeB: node.int("transB", 0) == 1)
            let alpha = node.float("alpha", 1), beta = node.float("beta", 1)
            if alpha != 1 { product = product * alpha }
            if let c = optional(2) { product = product + (beta == 1 ? c : c * beta) }
            return [product]
        case "Flatten":
            let x = input(0), split = axis(node.int("axis", 1), x.rank)
            return [x.reshaped([x.shape[..<split].reduce(1, *), x.shape[split...].reduce(1, *)])]
        case "Reshape":
            let x = input(0)
            let target = integers(input(1)).enumerated().map { index, size in size == 0 && node.int("allowzero", 0) == 0 ? x.shape[index] : size }
            return [x.reshaped(target)]
        case "Transpose":
            let x = input(0)
            return [x.permuted(node.ints("perm") ?? Array((0..<x.rank).reversed()))]
        case "Softmax": return [softmax(input(0), axis: node.int("axis", -1))]
        case "LogSoftmax": return [logSoftmax(input(0), axis: node.int("axis", -1))]
        case "Conv":
            let x = input(0), weight = input(1), spatial = weight.rank - 2
            precondition(node.string("auto_pad", "NOTSET") == "NOTSET", "ONNXGraph: Conv with auto_pad \(node.string("auto_pad", ""))")
            let pads = node.ints("pads") ?? Array(repeating: 0, count: 2 * spatial)
            return [
                convolution(
                    x, weight: weight, bias: optional(2), strides: node.ints("strides"),
                    padding: (0..<spatial).map { (pads[$0], pads[$0 + spatial]) }, dilation: node.ints("dilations"), groups: node.int("group", 1))
            ]
        case "MaxPool":
            let kernel = node.ints("kernel_shape")!
            return [
                maxPool(
                    input(0), kernel: kernel, stride: node.ints("strides") ?? Array(repeating: 1, count: kernel.count),
                    padding: symmetric(node.ints("pads"), count: kernel.count), dilation: node.ints("dilations"),
                    ceilMode: node.int("ceil_mode", 0) == 1)
            ]
        case "AveragePool":
            let kernel = node.ints("kernel_shape")!
            return [
                averagePool(
                    input(0), kernel: kernel, stride: node.ints("strides") ?? Array(repeating: 1, count: kernel.count),
                    padding: symmetric(node.ints("pads"), count: kernel.count), ceilMode: node.int("ceil_mode", 0) == 1,
                    countIncludePad: node.int("count_include_pad", 0) == 1)
            ]
        case "GlobalAveragePool":
            let x = input(0)
            return [x.mean(axes: Array(2..<x.rank), keepDims: true)]
        case "GlobalMaxPool":
            let x = input(0)
            return [x.max(axes: Array(2..<x.rank), keepDims: true)]
        case "BatchNormalization":
            let x = input(0), epsilon = node.float("epsilon", 1e-5)
            let normalized = (x - perChannel(input(3), rank: x.rank)) / sqrt(perChannel(input(4), rank: x.rank) + epsilon)
            return [normalized * perChannel(input(1), rank: x.rank) + perChannel(input(2), rank: x.rank)]
        case "LayerNormalization":
            let x = input(0), first = axis(node.int("axis", -1), x.rank), axes = Array(first..<x.rank)
            let mean = x.mean(axes: axes, keepDims: true)
            let variance = x.variance(axes: axes, correction: 0, keepDims: true)
            var y = (x - mean) / sqrt(variance + node.float("epsilon", 1e-5)) * input(1)
            if let bias = optional(2) { y = y + bias }
            return [y]
        case "Gather":
            let data = input(0), indices = input(1), along = axis(node.int("axis", 0), data.rank)
            let picked = data.indexSelect(axis: along, indices: integers(indices).map { $0 < 0 ? $0 + data.shape[along] : $0 })
            return [picked.reshaped(Array(data.shape[..<along]) + indices.shape + Array(data.shape[(along + 1)...]))]
        case "Cast":
            let x = input(0), target = node.int("to", 1)
            // Floats stay floats; integer types truncate toward zero, as ONNX's Cast does.
            guard [2, 3, 4, 5, 6, 7, 12, 13].contains(target) else { return [x] }
            return [Tensor(x.scalars.map { $0.rounded(.towardZero) }, shape: x.shape)]
        case "Pad":
            let x = input(0), pads = integers(input(1)), rank = x.rank
            let widths = (0..<rank).map { (pads[$0], pads[$0 + rank]) }
            let mode: PaddingMode
            switch node.string("mode", "constant") {
            case "reflect": mode = .reflect
            case "edge": mode = .replicate
            default: mode = .constant(optional(2)?.scalar ?? 0)
            }
            return [x.padded(widths, mode: mode)]
        case "Constant":
            switch node.attributes["value"] ?? node.attributes["value_float"] ?? node.attributes["value_ints"] {
            case .tensor(let shape, let values): return [Tensor(values, shape: shape)]
            case .float(let value): return [Tensor(value)]
            case .ints(let values): return [Tensor(values.map(Float.init))]
            case .int(let value): return [Tensor(Float(value))]
            default: fatalError("ONNXGraph: Constant without a value")
            }
        case "Shape": return [Tensor(input(0).shape.map(Float.init))]
        case "Equal": return [input(0) .== input(1)]
        case "Not": return [1 - input(0)]
        case "Max": return [inputs.compactMap { $0 }.dropFirst().reduce(input(0)) { Tensor.maximum($0, $1) }]
        case "Min": return [inputs.compactMap { $0 }.dropFirst().reduce(input(0)) { Tensor.minimum($0, $1) }]
        case "ReduceSum", "ReduceMean", "ReduceMax":
            let x = input(0), keep = node.int("keepdims", 1) == 1
            // Axes: an attribute up to opset 17 (ReduceSum's an input from opset 13); none: all.
            let axes = (node.ints("axes") ?? optional(1).map(integers) ?? Array(0..<x.rank)).map { axis($0, x.rank) }
            switch node.op {
            case "ReduceSum": return [x.sum(axes: axes, keepDims: keep)]
            case "ReduceMean": return [x.mean(axes: axes, keepDims: keep)]
            default: return [x.max(axes: axes, keepDims: keep)]
            }
        case "Concat":
            let parts = inputs.compactMap { $0 }
            return [Tensor.concatenate(parts, axis: axis(node.int("axis", 0), parts[0].rank))]
        case "Unsqueeze":
            var x = input(0)
            let axes = node.ints("axes") ?? integers(input(1))
            let rank = x.rank + axes.count
            for position in axes.map({ axis($0, rank) }).sorted() { x = x.unsqueezed(axis: position) }
            return [x]
        case "Squeeze":
            var x = input(0)
            guard let axes = node.ints("axes") ?? optional(1).map(integers) else { return [x.squeezed()] }
            for position in axes.map({ axis($0, x.rank) }).sorted(by: >) { x = x.squeezed(axis: position) }
            return [x]
        default:
            fatalError("ONNXGraph: operator \(node.op) is not supported")
        }
    }
}
