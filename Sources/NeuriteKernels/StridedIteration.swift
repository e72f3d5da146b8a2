/// A walk over an n-dimensional index space in row-major order, where each operand is read
/// through its own strides (a stride of 0 repeats an element: that is broadcasting).
///
/// Adjacent dimensions that are contiguous in every operand are merged first, so that the inner
/// loop is as long as possible; the common cases (same shape, a scalar, a bias row) become one or
/// two loops.
public struct StridedLayout: Sendable {
    /// The merged dimensions, outermost first. Never empty.
    public let dimensions: [Int]
    /// For each operand, its strides over `dimensions`.
    public let strides: [[Int]]

    /// Merges the dimensions of `shape` read through `operandStrides` (one array of strides per
    /// operand, each as long as `shape`).
    public init(shape: [Int], operandStrides: [[Int]]) {
        var dims: [Int] = []
        var strides: [[Int]] = Array(repeating: [], count: operandStrides.count)
        for axis in shape.indices where shape[axis] != 1 {
            let size = shape[axis]
            if let last = dims.last,
                operandStrides.indices.allSatisfy({ strides[$0].last! == operandStrides[$0][axis] * size })
            {
                dims[dims.count - 1] = last * size
                for op in operandStrides.indices { strides[op][strides[op].count - 1] = operandStrides[op][axis] }
            } else {
                dims.append(size)
                for op in operandStrides.indices { strides[op].append(operandStrides[op][axis]) }
            }
        }
        if dims.isEmpty {
            dims = [1]
            strides = strides.map { _ in [0] }
        }
        self.dimensions = dims
        self.strides = strides
    }

    /// The number of positions visited.
    public var count: Int { dimensions.reduce(1, *) }

    /// Calls `body(offsets, innerCount, innerStrides)` once per run of the innermost dimension,
    /// in row-major order; `offsets[k]` is operand `k`'s element offset at the start of the run.
    @inlinable @inline(__always)
    public func forEachRun(_ body: (_ offsets: [Int], _ innerCount: Int, _ innerStrides: [Int]) -> Void) {
        let rank = dimensions.count
        let inner = dimensions[rank - 1]
        let innerStrides = strides.map { $0[rank - 1] }
        guard count > 0 else { return }
        var offsets = Array(repeating: 0, count: strides.count)
        var counters = Array(repeating: 0, count: rank)
        while true {
            body(offsets, inner, innerStrides)
            // Advance the outer counters like an odometer.
            var axis = rank - 2
            while axis >= 0 {
                counters[axis] += 1
                for op in offsets.indices { offsets[op] += strides[op][axis] }
                if counters[axis] < dimensions[axis] { break }
                for op in offsets.indices { offsets[op] -= strides[op][axis] * dimensions[axis] }
                counters[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }
}

/// Row-major strides of a contiguous array of `shape`.
@inlinable
public func contiguousStrides(of shape: [Int]) -> [Int] {
    var strides = Array(repeating: 1, count: shape.count)
    var running = 1
    for axis in shape.indices.reversed() {
        strides[axis] = running
        running *= shape[axis]
    }
    return strides
}
