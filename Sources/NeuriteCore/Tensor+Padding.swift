import NeuriteKernels

/// How positions outside a tensor are filled when padding, shown on the row `[1, 2, 3, 4]`
/// padded by 2 on each side. The names are PyTorch's (`F.pad`'s `mode`), plus NumPy's
/// `symmetric`; torchvision calls `replicate` `edge`.
public enum PaddingMode: Sendable, Equatable {
    /// `[0, 0, 1, 2, 3, 4, 0, 0]` with the value 0.
    case constant(Float)
    /// `[3, 2, 1, 2, 3, 4, 3, 2]`: mirrored without repeating the edge. Needs padding < length.
    case reflect
    /// `[1, 1, 1, 2, 3, 4, 4, 4]`: the edge value repeated.
    case replicate
    /// `[2, 1, 1, 2, 3, 4, 4, 3]`: mirrored with the edge repeated. Needs padding ≤ length.
    case symmetric
    /// `[3, 4, 1, 2, 3, 4, 1, 2]`: wrapped around, as if the axis were periodic.
    case circular

    /// torchvision's name for `replicate`.
    public static var edge: PaddingMode { .replicate }

    /// Zeros: the padding of convolutions.
    public static var zeros: PaddingMode { .constant(0) }

    /// The source index of padded position `index` (which may lie outside `0..<length`), or nil
    /// where the constant applies.
    func sourceIndex(_ index: Int, length: Int) -> Int? {
        if (0..<length).contains(index) { return index }
        switch self {
        case .constant: return nil
        case .replicate: return Swift.min(Swift.max(index, 0), length - 1)
        case .reflect: return index < 0 ? -index : 2 * (length - 1) - index
        case .symmetric: return index < 0 ? -index - 1 : 2 * length - 1 - index
        case .circular: return ((index % length) + length) % length
        }
    }

    /// Why `before`/`after` cannot pad an axis of `length` in this mode, or nil if they can (the
    /// check `padded` makes, for layers that infer shapes before running).
    public func problem(before: Int, after: Int, length: Int) -> String? {
        let widest = Swift.max(before, after)
        guard widest > 0 else { return nil }
        switch self {
        case .constant: return nil
        case .reflect where widest >= length: return "reflect padding \(widest) needs an axis longer than it, got length \(length)"
        case .symmetric where widest > length: return "symmetric padding \(widest) needs an axis at least as long, got length \(length)"
        case .replicate where length == 0, .circular where length == 0: return "cannot pad an empty axis in this mode"
        default: return nil
        }
    }
}

extension Tensor {
    /// The tensor padded along its trailing axes: `widths[i]` gives the elements added before and
    /// after the `i`-th of the last `widths.count` axes (outermost first, aligned at the last axis
    /// as broadcasting aligns shapes), filled as `mode` says. Padding `[N, C, H, W]` images by one
    /// pixel: `x.padded([(1, 1), (1, 1)])`. (PyTorch's `F.pad` lists the pairs last axis first.)
    ///
    /// Derivative: each element of the gradient is added back to the input position it was read
    /// from (several, for a replicated or mirrored edge); constant fills get none.
    /// - Precondition: no more pairs than axes, non-negative widths, and the mode's limits
    ///   (reflect: width < length; symmetric: width ≤ length).
    public func padded(_ widths: [(before: Int, after: Int)], mode: PaddingMode = .zeros) -> Tensor {
        precondition(widths.count <= rank, "padded: \(widths.count) padding pairs for a tensor of shape \(shape)")
        precondition(
            widths.allSatisfy { $0.before >= 0 && $0.after >= 0 },
            "padded: negative padding in \(widths.map { [$0.before, $0.after] }) for shape \(shape)")
        let firstPadded = rank - widths.count
        for (offset, width) in widths.enumerated() {
            if let problem = mode.problem(before: width.before, after: width.after, length: shape[firstPadded + offset]) {
                preconditionFailure("padded: \(problem) (axis \(firstPadded + offset) of shape \(shape))")
            }
        }
        if widths.allSatisfy({ $0.before == 0 && $0.after == 0 }) { return self }
        let walk = PaddingWalk(shape: shape, widths: widths, mode: mode)
        let fill: Float = if case .constant(let value) = mode { value } else { 0 }
        let value = Tensor(unsafeUninitializedShape: walk.outputShape) { output in
            let (input, out) = (storage.base, output.baseAddress!)
            walk.forEachRow { outputRow, inputRow in
                guard let inputRow else {
                    (out + outputRow).update(repeating: fill, count: walk.lastMap.count)
                    return
                }
                for (j, source) in walk.lastMap.enumerated() { out[outputRow + j] = source < 0 ? fill : input[inputRow + source] }
            }
        }
        let inputShape = shape
        return Tensor.recording("padded", value: value, inputs: [self]) { g in
            var gradient = Tensor.zeros(inputShape)
            gradient.withUnsafeMutableBufferPointer { buffer in
                let (target, upstream) = (buffer.baseAddress!, g.storage.base)
                walk.forEachRow { outputRow, inputRow in
                    guard let inputRow else { return }
                    for (j, source) in walk.lastMap.enumerated() where source >= 0 { target[inputRow + source] += upstream[outputRow + j] }
                }
            }
            return [gradient]
        }
    }
}

/// The positions a padding reads: for each padded axis, the source index of every output index
/// (−1 for a constant fill), walked one output row (the last axis) at a time.
struct PaddingWalk {
    let outputShape: [Int]
    /// Source index along the last axis for each output index; −1 where the constant applies.
    let lastMap: [Int]
    private let inputShape: [Int]
    private let maps: [[Int]]
    private let firstPadded: Int

    init(shape: [Int], widths: [(before: Int, after: Int)], mode: PaddingMode) {
        inputShape = shape
        firstPadded = shape.count - widths.count
        maps = widths.enumerated().map { offset, width in
            let length = shape[shape.count - widths.count + offset]
            return (0..<(length + width.before + width.after)).map { mode.sourceIndex($0 - width.before, length: length) ?? -1 }
        }
        outputShape = Array(shape[..<firstPadded]) + maps.map(\.count)
        lastMap = maps.last ?? []
    }

    /// Calls `body(outputRowStart, inputRowStart)` for every row of the output's last axis, in
    /// row-major order; `inputRowStart` is nil when the whole row is a constant fill.
    func forEachRow(_ body: (_ outputRow: Int, _ inputRow: Int?) -> Void) {
        let outputRows = outputShape.dropLast().reduce(1, *), rowLength = outputShape.last ?? 1
        guard outputRows > 0, rowLength > 0 else { return }
        let inputStrides = contiguousStrides(of: inputShape)
        let outer = inputShape[..<firstPadded].reduce(1, *)
        let outerStride = firstPadded < inputShape.count ? inputShape[firstPadded...].reduce(1, *) : 1
        // Odometer over the padded axes except the last.
        let middle = Array(maps.dropLast())
        var counters = Array(repeating: 0, count: middle.count)
        var outputRow = 0
        for o in 0..<outer {
            counters = counters.map { _ in 0 }
            while true {
                var inputRow: Int? = o * outerStride
                for (axis, counter) in counters.enumerated() {
                    let source = middle[axis][counter]
                    if source < 0 {
                        inputRow = nil
                        break
                    }
                    inputRow! += source * inputStrides[firstPadded + axis]
                }
                body(outputRow * rowLength, inputRow)
                outputRow += 1
                var axis = counters.count - 1
                while axis >= 0 {
                    counters[axis] += 1
                    if counters[axis] < middle[axis].count { break }
                    counters[axis] = 0
                    axis -= 1
                }
                if axis < 0 { break }
            }
        }
    }
}
