import NeuriteCore
import NeuriteNN

/// Turns modules into ONNX nodes, following the shapes (batch 1 stands for the dynamic batch).
struct Emitter {
    var graph = ONNXGraphWriter()

    /// Why `module` has no ONNX form, or nil when it has one (containers are checked child by child).
    static func unsupportedReason(_ module: Module) -> String? {
        switch module {
        case is Sequential, is Residual, is Dense, is Flatten, is Transpose, is Identity, is Dropout, is Dropout2D, is ReLU, is Sigmoid, is Tanh,
            is LeakyReLU, is ELU, is GELU, is SiLU, is Hardswish, is Softplus, is Softmax, is LogSoftmax, is PReLU, is BatchNorm, is LayerNorm,
            is BasicBlock, is Standardize, is Embedding, is MaxPool1D, is MaxPool2D:
            return nil
        case let layer as Conv1D: return layer.configuration.paddingMode == .circular ? "circular padding needs opset 19" : nil
        case let layer as Conv2D: return layer.configuration.paddingMode == .circular ? "circular padding needs opset 19" : nil
        case let layer as AvgPool1D: return layer.configuration.divisorOverride == nil ? nil : "ONNX's AveragePool has no divisor override"
        case let layer as AvgPool2D: return layer.configuration.divisorOverride == nil ? nil : "ONNX's AveragePool has no divisor override"
        case is AdaptiveAvgPool1D, is AdaptiveAvgPool2D, is AdaptiveMaxPool1D, is AdaptiveMaxPool2D:
            return nil  // checked against the input's size when emitted
        case let layer as EmbeddingBag:
            return layer.mode == .max && layer.paddingIndex != nil ? "a max bag that skips padding has no opset-17 form" : nil
        default: return "no ONNX form is known for this layer type"
        }
    }

    /// The output's name after `module` runs on `input` of `shape`.
    mutating func emit(_ module: Module, input: String, shape: [Int], name: String) throws(ONNXExportError) -> String {
        func child(_ name: String, _ suffix: String) -> String { name.isEmpty ? suffix : "\(name).\(suffix)" }
        switch module {
        case let sequential as Sequential:
            var (current, currentShape) = (input, shape)
            for (index, layer) in sequential.layers.enumerated() {
                current = try emit(layer, input: current, shape: currentShape, name: child(name, "\(index)"))
                currentShape = try Self.shape(of: layer, after: currentShape, name: name)
            }
            return current
        case let residual as Residual:
            let body = try emit(residual.body, input: input, shape: shape, name: child(name, "body"))
            let skip = try residual.projection.map { projection throws(ONNXExportError) in
                try emit(projection, input: input, shape: shape, name: child(name, "projection"))
            }
            return graph.node("Add", [body, skip ?? input], name: name)
        case let block as BasicBlock:
            var x = try emit(block.conv1, input: input, shape: shape, name: child(name, "conv1"))
            let inner = try Self.shape(of: block.conv1, after: shape, name: name)
            x = try emit(block.bn1, input: x, shape: inner, name: child(name, "bn1"))
            x = graph.node("Relu", [x], name: child(name, "relu"))
            x = try emit(block.conv2, input: x, shape: inner, name: child(name, "conv2"))
            x = try emit(block.bn2, input: x, shape: inner, name: child(name, "bn2"))
            let skip = try block.downsample.map { downsample throws(ONNXExportError) in
                try emit(downsample, input: input, shape: shape, name: child(name, "downsample"))
            }
            return graph.node("Relu", [graph.node("Add", [x, skip ?? input], name: name)], name: name)
        case let dense as Dense:
            let weight = graph.constant(dense.weight.value, name: child(name, "weight"))
            if shape.count == 2 {
                let bias = dense.bias.map { graph.constant($0.value, name: child(name, "bias")) }
                return graph.node("Gemm", [input, weight] + (bias.map { [$0] } ?? []), [.int("transB", 1)], name: name)
            }
            let product = graph.node("MatMul", [input, graph.constant(dense.weight.value.transposed(), name: child(name, "weight_t"))], name: name)
            guard let bias = dense.bias else { return product }
            return graph.node("Add", [product, graph.constant(bias.value, name: child(name, "bias"))], name: name)
        case is Identity, is Dropout, is Dropout2D:
            return input
        case is ReLU: return graph.node("Relu", [input], name: name)
        case is Sigmoid: return graph.node("Sigmoid", [input], name: name)
        case is Tanh: return graph.node("Tanh", [input], name: name)
        case is Hardswish: return graph.node("HardSwish", [input], name: name)
        case let layer as LeakyReLU: return graph.node("LeakyRelu", [input], [.float("alpha", layer.negativeSlope)], name: name)
        case let layer as ELU: return graph.node("Elu", [input], [.float("alpha", layer.alpha)], name: name)
        case is SiLU: return graph.node("Mul", [input, graph.node("Sigmoid", [input], name: name)], name: name)
        case let layer as GELU: return gelu(input, approximate: layer.approximate == .tanh, name: name)
        case let layer as Softplus:
            guard layer.beta != 1 else { return graph.node("Softplus", [input], name: name) }
            let beta = graph.constant(Tensor(layer.beta), name: child(name, "beta"))
            return graph.node("Div", [graph.node("Softplus", [graph.node("Mul", [input, beta], name: name)], name: name), beta], name: name)
        case let layer as Softmax: return graph.node("Softmax", [input], [.int("axis", layer.axis)], name: name)
        case let layer as LogSoftmax: return graph.node("LogSoftmax", [input], [.int("axis", layer.axis)], name: name)
        case let layer as PReLU:
            // Slopes broadcast over the axes after the channels.
            let channels = layer.weight.value.scalarCount
            let slopeShape = channels == 1 ? [1] : [channels] + Array(repeating: 1, count: max(0, shape.count - 2))
            return graph.node("PRelu", [input, graph.constant(layer.weight.value.reshaped(slopeShape), name: child(name, "weight"))], name: name)
        case let layer as Flatten:
            let start = layer.startAxis < 0 ? layer.startAxis + shape.count : layer.startAxis
            let end = layer.endAxis < 0 ? layer.endAxis + shape.count : layer.endAxis
            if start == 1 && end == shape.count - 1 { return graph.node("Flatten", [input], [.int("axis", 1)], name: name) }
            let merged = shape[start...end].reduce(1, *)
            let target = [0] + Array(shape[1..<start]) + [merged] + Array(shape[(end + 1)...])
            return reshape(input, to: start == 0 ? [-1] + Array(shape[(end + 1)...]) : target, name: name)
        case let layer as Transpose:
            var order = Array(0..<shape.count)
            let (first, second) = (Self.axis(layer.configuration.first, shape.count), Self.axis(layer.configuration.second, shape.count))
            order.swapAt(first, second)
            return graph.node("Transpose", [input], [.ints("perm", order)], name: name)
        case let layer as Standardize:
            let centred = graph.node("Sub", [input, graph.constant(layer.mean.value, name: child(name, "mean"))], name: name)
            return graph.node("Div", [centred, graph.constant(layer.standardDeviation.value, name: child(name, "standard_deviation"))], name: name)
        case let layer as BatchNorm:
            let features = layer.features
            let scale = layer.weight?.value ?? Tensor.ones([features]), bias = layer.bias?.value ?? Tensor.zeros([features])
            return graph.node(
                "BatchNormalization",
                [
                    input, graph.constant(scale, name: child(name, "weight")), graph.constant(bias, name: child(name, "bias")),
                    graph.constant(layer.runningMean.value, name: child(name, "running_mean")),
                    graph.constant(layer.runningVar.value, name: child(name, "running_var")),
                ], [.float("epsilon", layer.epsilon)], name: name)
        case let layer as LayerNorm:
            let normalized = layer.normalizedShape
            let scale = layer.weight?.value ?? Tensor.ones(normalized), bias = layer.bias?.value ?? Tensor.zeros(normalized)
            return graph.node(
                "LayerNormalization",
                [input, graph.constant(scale, name: child(name, "weight")), graph.constant(bias, name: child(name, "bias"))],
                [.int("axis", -normalized.count), .float("epsilon", layer.epsilon)], name: name)
        case let layer as Embedding:
            let ids = graph.node("Cast", [input], [.int("to", 7)], name: name)
            return graph.node("Gather", [graph.constant(layer.weight.value, name: child(name, "weight")), ids], [.int("axis", 0)], name: name)
        case let layer as EmbeddingBag: return embeddingBag(layer, input: input, name: name)
        case let layer as Conv1D: return try convolution(layer, input: input, name: name)
        case let layer as Conv2D: return try convolution(layer, input: input, name: name)
        case let layer as MaxPool1D: return maxPool(layer, input: input, name: name)
        case let layer as MaxPool2D: return maxPool(layer, input: input, name: name)
        case let layer as AvgPool1D: return averagePool(layer, input: input, name: name)
        case let layer as AvgPool2D: return averagePool(layer, input: input, name: name)
        case let layer as AdaptiveAvgPool1D: return try adaptive(layer.outputSize, average: true, input: input, shape: shape, name: name)
        case let layer as AdaptiveAvgPool2D: return try adaptive(layer.outputSize, average: true, input: input, shape: shape, name: name)
        case let layer as AdaptiveMaxPool1D: return try adaptive(layer.outputSize, average: false, input: input, shape: shape, name: name)
        case let layer as AdaptiveMaxPool2D: return try adaptive(layer.outputSize, average: false, input: input, shape: shape, name: name)
        default:
            throw ONNXExportError("cannot export to ONNX: \(name.isEmpty ? "model" : "model.\(name)") (\(module.typeName)): no ONNX form is known")
        }
    }

    /// One bag per row of ids `[N, L]`: the rows gathered `[N, L, D]`, padding masked out, then
    /// summed, averaged over the ids that are not padding (an all-padding bag gives zeros), or
    /// maximised.
    private mutating func embeddingBag(_ layer: EmbeddingBag, input: String, name: String) -> String {
        let ids = graph.node("Cast", [input], [.int("to", 7)], name: name)
        var rows = graph.node("Gather", [graph.constant(layer.weight.value, name: "\(name).weight"), ids], [.int("axis", 0)], name: name)
        let bagAxis = graph.integers([1], shape: [1], name: "\(name).bag_axis")
        guard let padding = layer.paddingIndex else {
            switch layer.mode {
            case .sum: return graph.node("ReduceSum", [rows, bagAxis], [.int("keepdims", 0)], name: name)
            case .mean: return graph.node("ReduceMean", [rows], [.ints("axes", [1]), .int("keepdims", 0)], name: name)
            case .max: return graph.node("ReduceMax", [rows], [.ints("axes", [1]), .int("keepdims", 0)], name: name)
            }
        }
        let row = padding < 0 ? padding + layer.rowCount : padding
        let isPadding = graph.node("Equal", [ids, graph.integers([row], shape: [], name: "\(name).padding_index")], name: name)
        let mask = graph.node("Cast", [graph.node("Not", [isPadding], name: name)], [.int("to", 1)], name: name)
        rows = graph.node(
            "Mul", [rows, graph.node("Unsqueeze", [mask, graph.integers([2], shape: [1], name: "\(name).row_axis")], name: name)], name: name)
        let sum = graph.node("ReduceSum", [rows, bagAxis], [.int("keepdims", 0)], name: name)
        guard layer.mode == .mean else { return sum }
        let count = graph.node("ReduceSum", [mask, bagAxis], [.int("keepdims", 1)], name: name)
        return graph.node("Div", [sum, graph.node("Max", [count, graph.constant(Tensor(1), name: "\(name).one")], name: name)], name: name)
    }

    private static func axis(_ axis: Int, _ rank: Int) -> Int { axis < 0 ? axis + rank : axis }

    private static func shape(of module: Module, after shape: [Int], name: String) throws(ONNXExportError) -> [Int] {
        let next: [Int]?
        do {
            next = try module.outputShape(forInput: shape)
        } catch {
            throw ONNXExportError("cannot export to ONNX: model.\(name): \(error.message)")
        }
        guard let next else { throw ONNXExportError("cannot export to ONNX: model.\(name): the output shape of \(module.typeName) is unknown") }
        return next
    }

    private mutating func reshape(_ input: String, to shape: [Int], name: String) -> String {
        graph.node("Reshape", [input, graph.integers(shape, shape: [shape.count], name: "\(name).shape")], name: name)
    }

    /// `x·Φ(x)` from `Erf`, or the tanh approximation, in opset 17's arithmetic.
    private mutating func gelu(_ x: String, approximate: Bool, name: String) -> String {
        func constant(_ value: Float, _ label: String) -> String { graph.constant(Tensor(value), name: "\(name).\(label)") }
        let half = graph.node("Mul", [x, constant(0.5, "half")], name: name)
        let inner: String
        if approximate {
            let cube = graph.node("Mul", [graph.node("Mul", [x, x], name: name), x], name: name)
            let sum = graph.node("Add", [x, graph.node("Mul", [cube, constant(0.044715, "cubic")], name: name)], name: name)
            inner = graph.node("Tanh", [graph.node("Mul", [sum, constant((2 / Float.pi).squareRoot(), "scale")], name: name)], name: name)
        } else {
            inner = graph.node("Erf", [graph.node("Mul", [x, constant(1 / Float(2).squareRoot(), "scale")], name: name)], name: name)
        }
        return graph.node("Mul", [half, graph.node("Add", [inner, constant(1, "one")], name: name)], name: name)
    }

    private mutating func convolution<Axes: SpatialAxes>(_ layer: Convolution<Axes>, input: String, name: String) throws(ONNXExportError)
        -> String
    {
        let pads = layer.padding.map(\.before) + layer.padding.map(\.after)
        var source = input, convolutionPads = pads
        if layer.configuration.paddingMode != .zeros, pads.contains(where: { $0 > 0 }) {
            // ONNX's Conv pads with zeros; other modes pad first. Pad's pads cover every axis.
            let mode = layer.configuration.paddingMode == .reflect ? "reflect" : "edge"
            let all = [0, 0] + layer.padding.map(\.before) + [0, 0] + layer.padding.map(\.after)
            source = graph.node("Pad", [input, graph.integers(all, shape: [all.count], name: "\(name).pads")], [.string("mode", mode)], name: name)
            convolutionPads = Array(repeating: 0, count: pads.count)
        }
        let weight = graph.constant(layer.weight.value, name: "\(name).weight")
        let bias = layer.bias.map { graph.constant($0.value, name: "\(name).bias") }
        return graph.node(
            "Conv", [source, weight] + (bias.map { [$0] } ?? []),
            [
                .ints("dilations", layer.dilation), .int("group", layer.groups), .ints("kernel_shape", layer.kernelSize),
                .ints("pads", convolutionPads), .ints("strides", layer.stride),
            ], name: name)
    }

    private mutating func maxPool<Axes: SpatialAxes>(_ layer: MaxPool<Axes>, input: String, name: String) -> String {
        graph.node(
            "MaxPool", [input],
            [
                .int("ceil_mode", layer.configuration.ceilMode ? 1 : 0), .ints("dilations", layer.dilation),
                .ints("kernel_shape", layer.kernelSize), .ints("pads", layer.padding + layer.padding), .ints("strides", layer.stride),
            ], name: name)
    }

    private mutating func averagePool<Axes: SpatialAxes>(_ layer: AvgPool<Axes>, input: String, name: String) -> String {
        graph.node(
            "AveragePool", [input],
            [
                .int("ceil_mode", layer.configuration.ceilMode ? 1 : 0), .int("count_include_pad", layer.configuration.countIncludePad ? 1 : 0),
                .ints("kernel_shape", layer.kernelSize), .ints("pads", layer.padding + layer.padding), .ints("strides", layer.stride),
            ], name: name)
    }

    /// Global pooling for an output of 1, or a fixed window where the input divides evenly.
    private mutating func adaptive(_ output: [Int], average: Bool, input: String, shape: [Int], name: String) throws(ONNXExportError) -> String {
        if output.allSatisfy({ $0 == 1 }) { return graph.node(average ? "GlobalAveragePool" : "GlobalMaxPool", [input], name: name) }
        let sizes = Array(shape.suffix(output.count))
        guard zip(sizes, output).allSatisfy({ $0 % $1 == 0 }) else {
            throw ONNXExportError(
                "cannot export to ONNX: model.\(name): adaptive pooling from \(sizes) to \(output) has uneven windows, which no ONNX pooling operator computes"
            )
        }
        let window = zip(sizes, output).map { $0 / $1 }
        return graph.node(average ? "AveragePool" : "MaxPool", [input], [.ints("kernel_shape", window), .ints("strides", window)], name: name)
    }
}
