import NeuriteCore

/// The shape and value checks of each ONNX operator, made before it runs, so that a graph read
/// from a file that does not fit its input is a thrown error naming the node instead of a stopped
/// program (`ONNXGraph.evaluate`).
enum ONNXChecks {
    /// What is wrong with running `node` on `inputs`, or nil.
    static func problem(_ node: ONNXGraph.Node, _ inputs: [Tensor?]) -> String? {
        func shape(_ index: Int) -> [Int]? { index < inputs.count ? inputs[index]?.shape : nil }
        func broadcasts(_ a: [Int], _ b: [Int]) -> Bool {
            zip(a.reversed(), b.reversed()).allSatisfy { $0 == $1 || $0 == 1 || $1 == 1 }
        }
        func validAxis(_ axis: Int, _ rank: Int) -> Bool { (-rank..<rank).contains(axis) }
        // Window settings beyond any real model would overflow the arithmetic below.
        for name in ["kernel_shape", "pads", "strides", "dilations"] {
            if let values = node.ints(name), !values.allSatisfy({ (0..<(1 << 20)).contains($0) }) {
                return "\(name) \(values) must be between 0 and 2²⁰"
            }
        }
        func wholeNumbers(_ tensor: Tensor) -> [Int]? {
            let values = tensor.scalars
            guard values.allSatisfy({ $0.isFinite && $0 == $0.rounded() && abs($0) < 1e9 }) else { return nil }
            return values.map { Int($0) }
        }
        let required: [String: Int] = [
            "Add": 2, "Sub": 2, "Mul": 2, "Div": 2, "Pow": 2, "MatMul": 2, "Gemm": 2, "Reshape": 2, "Conv": 2, "PRelu": 2,
            "BatchNormalization": 5, "LayerNormalization": 2, "Gather": 2, "Pad": 2, "Equal": 2,
        ]
        if node.op == "Constant" {
            switch node.attributes["value"] ?? node.attributes["value_float"] ?? node.attributes["value_ints"] {
            case .tensor(let shape, let values): return SizeLimit.elementCount(shape) == values.count ? nil : "a malformed tensor"
            case .float, .ints, .int: return nil
            default: return "no value"
            }
        }
        if node.outputs.isEmpty { return "no outputs" }
        let needed = required[node.op] ?? 1
        for index in 0..<needed where shape(index) == nil { return "input \(index) is missing" }
        guard let x = shape(0) else { return "input 0 is missing" }

        switch node.op {
        case "Add", "Sub", "Mul", "Div", "Pow", "Equal", "PRelu":
            return broadcasts(x, shape(1)!) ? nil : "shapes \(x) and \(shape(1)!) do not broadcast"
        case "Max", "Min":
            let shapes = inputs.compactMap { $0?.shape }
            return shapes.allSatisfy({ broadcasts($0, x) }) ? nil : "shapes \(shapes) do not broadcast"
        case "MatMul":
            let w = shape(1)!
            guard x.count >= 2, w.count >= 2 else { return "MatMul of matrices or batches of them only, got \(x) and \(w)" }
            let inner = x.count == 1 ? x[0] : x[x.count - 1], other = w.count == 1 ? w[0] : w[w.count - 2]
            guard inner == other else { return "inner sizes differ: \(x) × \(w)" }
            return broadcasts(Array(x.dropLast(2)), Array(w.dropLast(2))) ? nil : "batch axes of \(x) and \(w) do not broadcast"
        case "Gemm":
            let w = shape(1)!
            guard x.count == 2, w.count == 2 else { return "Gemm needs matrices, got \(x) and \(w)" }
            let a = node.int("transA", 0) == 1 ? [x[1], x[0]] : x, b = node.int("transB", 0) == 1 ? [w[1], w[0]] : w
            guard a[1] == b[0] else { return "inner sizes differ: \(a) × \(b)" }
            if let c = shape(2), !broadcasts([a[0], b[1]], c) { return "C of shape \(c) does not broadcast to \([a[0], b[1]])" }
            return nil
        case "Flatten":
            return (-x.count...x.count).contains(node.int("axis", 1)) ? nil : "axis \(node.int("axis", 1)) outside a tensor of shape \(x)"
        case "Reshape":
            guard let target = wholeNumbers(inputs[1]!), inputs[1]!.rank == 1 else { return "the shape is not a list of integers" }
            var resolved = target.enumerated().map { index, size in size == 0 && node.int("allowzero", 0) == 0 && index < x.count ? x[index] : size }
            let unknown = resolved.indices.filter { resolved[$0] == -1 }
            guard unknown.count <= 1, resolved.allSatisfy({ $0 >= -1 }) else { return "shape \(target) is not a shape" }
            let count = x.reduce(1, *)
            guard let known = SizeLimit.elementCount(resolved.filter { $0 != -1 }) else { return "shape \(target) is too large" }
            if let position = unknown.first {
                guard known > 0, count % known == 0 else { return "\(count) elements do not reshape to \(target)" }
                resolved[position] = count / known
            }
            return SizeLimit.elementCount(resolved) == count ? nil : "\(count) elements do not reshape to \(target)"
        case "Transpose":
            guard let perm = node.ints("perm") else { return nil }
            return perm.sorted() == Array(0..<x.count) ? nil : "perm \(perm) is not a permutation of \(x.count) axes"
        case "Softmax", "LogSoftmax":
            return validAxis(node.int("axis", -1), x.count) ? nil : "axis \(node.int("axis", -1)) outside a tensor of shape \(x)"
        case "Conv":
            let w = shape(1)!, spatial = w.count - 2, groups = node.int("group", 1)
            if case .string(let pad) = node.attributes["auto_pad"], pad != "NOTSET" { return "auto_pad \(pad) is not supported (explicit pads are)" }
            guard spatial >= 1, spatial <= 2, x.count == w.count else { return "1-D and 2-D convolutions only; input \(x), weight \(w)" }
            guard groups > 0, x[1] % groups == 0, w[0] % groups == 0, x[1] / groups == w[1] else {
                return "input channels \(x[1]) in \(groups) groups do not fit the weight \(w)"
            }
            if let b = shape(2), b != [w[0]] { return "bias of shape \(b) for \(w[0]) filters" }
            let pads = node.ints("pads") ?? Array(repeating: 0, count: 2 * spatial),
                strides = node.ints("strides") ?? Array(repeating: 1, count: spatial)
            let dilations = node.ints("dilations") ?? Array(repeating: 1, count: spatial)
            guard pads.count == 2 * spatial, strides.count == spatial, dilations.count == spatial, pads.allSatisfy({ $0 >= 0 }),
                strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 })
            else { return "pads \(pads), strides \(strides) or dilations \(dilations) do not fit \(spatial) spatial axes" }
            for axis in 0..<spatial where x[2 + axis] + pads[axis] + pads[axis + spatial] < dilations[axis] * (w[2 + axis] - 1) + 1 {
                return "a kernel of \(w[2...]) does not fit the padded input \(x)"
            }
            let padded = Array(x.prefix(2)) + (0..<spatial).map { x[2 + $0] + pads[$0] + pads[$0 + spatial] }
            return SizeLimit.problem(allocating: padded, for: "the padded input")
        case "MaxPool", "AveragePool":
            guard let kernel = node.ints("kernel_shape"), (1...2).contains(kernel.count), x.count == kernel.count + 2 else {
                return "1-D and 2-D pooling only; kernel \(node.ints("kernel_shape") ?? []), input \(x)"
            }
            let pads = node.ints("pads") ?? Array(repeating: 0, count: 2 * kernel.count)
            guard pads.count == 2 * kernel.count, Array(pads.prefix(kernel.count)) == Array(pads.suffix(kernel.count)) else {
                return "asymmetric pads \(pads) are not supported"
            }
            let strides = node.ints("strides") ?? Array(repeating: 1, count: kernel.count)
            let dilations = node.ints("dilations") ?? Array(repeating: 1, count: kernel.count)
            guard strides.count == kernel.count, dilations.count == kernel.count, dilations.allSatisfy({ $0 > 0 }) else {
                return "strides \(strides) and dilations \(dilations) must have one value per axis of the kernel \(kernel)"
            }
            if case .string(let pad) = node.attributes["auto_pad"], pad != "NOTSET" { return "auto_pad \(pad) is not supported (explicit pads are)" }
            guard kernel.allSatisfy({ $0 > 0 }), strides.allSatisfy({ $0 > 0 }),
                zip(kernel, pads).allSatisfy({ $1 >= 0 && $1 * 2 <= $0 })
            else { return "kernel \(kernel) with pads \(pads) is not a pooling window" }
            for axis in 0..<kernel.count where x[2 + axis] + 2 * pads[axis] < dilations[axis] * (kernel[axis] - 1) + 1 {
                return "a window of \(kernel) does not fit the input \(x)"
            }
            return nil
        case "GlobalAveragePool", "GlobalMaxPool":
            return x.count >= 3 && x.dropFirst(2).allSatisfy({ $0 > 0 }) ? nil : "needs [N, C, …] with positions, got \(x)"
        case "BatchNormalization":
            guard x.count >= 2 else { return "needs [N, C, …], got \(x)" }
            return (1...4).allSatisfy({ shape($0)! == [x[1]] }) ? nil : "statistics of shapes \((1...4).map { shape($0)! }) for \(x[1]) channels"
        case "LayerNormalization":
            let first = node.int("axis", -1)
            guard validAxis(first, x.count) else { return "axis \(first) outside a tensor of shape \(x)" }
            let trailing = Array(x[(first < 0 ? first + x.count : first)...])
            guard broadcasts(trailing, shape(1)!) else { return "scale of shape \(shape(1)!) for normalised axes \(trailing)" }
            return shape(2).map { broadcasts(trailing, $0) ? nil : "bias of shape \($0) for normalised axes \(trailing)" } ?? nil
        case "Gather":
            let along = node.int("axis", 0)
            guard validAxis(along, x.count) else { return "axis \(along) outside a tensor of shape \(x)" }
            let size = x[along < 0 ? along + x.count : along]
            guard let indices = wholeNumbers(inputs[1]!) else { return "indices are not whole numbers" }
            return indices.allSatisfy({ (-size..<size).contains($0) }) ? nil : "an index is outside 0..<\(size)"
        case "Pad":
            guard let pads = wholeNumbers(inputs[1]!), pads.count == 2 * x.count, pads.allSatisfy({ $0 >= 0 && $0 < 1 << 20 }) else {
                return "pads must be \(2 * x.count) non-negative integers"
            }
            if let problem = SizeLimit.problem(allocating: (0..<x.count).map { x[$0] + pads[$0] + pads[$0 + x.count] }, for: "the padded output") {
                return problem
            }
            if case .string(let mode) = node.attributes["mode"], mode != "constant", x.contains(0) {
                return "\(mode) padding of an empty axis in \(x)"
            }
            if case .string(let mode) = node.attributes["mode"], mode == "reflect" {
                for axis in 0..<x.count where max(pads[axis], pads[axis + x.count]) >= x[axis] {
                    return "reflect padding \(pads) needs larger axes than \(x)"
                }
            }
            return nil
        case "Concat":
            let shapes = inputs.compactMap { $0?.shape }
            guard let first = shapes.first else { return "no inputs" }
            let along = node.int("axis", 0)
            guard validAxis(along, first.count) else { return "axis \(along) outside a tensor of shape \(first)" }
            let axis = along < 0 ? along + first.count : along
            let same = shapes.allSatisfy { other in other.count == first.count && other.indices.allSatisfy { $0 == axis || other[$0] == first[$0] } }
            return same ? nil : "shapes \(shapes) differ outside axis \(along)"
        case "Unsqueeze", "Squeeze", "ReduceSum", "ReduceMean", "ReduceMax":
            if node.op == "Unsqueeze" && node.ints("axes") == nil && shape(1) == nil { return "no axes (an attribute or a second input)" }
            let axes = node.ints("axes") ?? (shape(1) == nil ? [] : wholeNumbers(inputs[1]!) ?? [Int.max])
            let rank = node.op == "Unsqueeze" ? x.count + axes.count : x.count
            guard axes.allSatisfy({ validAxis($0, rank) }), Set(axes.map { $0 < 0 ? $0 + rank : $0 }).count == axes.count else {
                return "axes \(axes) do not fit a tensor of shape \(x)"
            }
            if node.op == "Squeeze" { return axes.allSatisfy({ x[$0 < 0 ? $0 + x.count : $0] == 1 }) ? nil : "axes \(axes) of \(x) are not 1" }
            if node.op == "ReduceMax" {
                return axes.allSatisfy({ x[$0 < 0 ? $0 + x.count : $0] > 0 }) && x.allSatisfy({ $0 > 0 }) ? nil : "max over an empty axis"
            }
            return nil
        default:
            return nil
        }
    }
}
