/// The gradient of a lookup table in which only some rows are non-zero (PyTorch's sparse
/// gradients of `nn.Embedding(sparse=True)`): the rows, ascending and distinct, and their values
/// `[rows.count, dimension]`. A batch of texts touches thousands of rows of a table of millions;
/// optimisers update just those.
public struct RowSparseGradient: Sendable {
    /// The table's shape, `[rowCount, dimension]`.
    public let shape: [Int]
    /// The rows that have a gradient, ascending, no repeats.
    public let rows: [Int]
    /// Their gradients, one row each.
    public var values: Tensor

    /// A gradient of `shape` that is `values[i]` in row `rows[i]` and zero elsewhere; `rows` must be
    /// ascending and distinct, inside the table.
    public init(shape: [Int], rows: [Int], values: Tensor) {
        precondition(
            shape.count == 2 && values.shape == [rows.count, shape[1]],
            "RowSparseGradient: values of shape \(values.shape) for \(rows.count) rows of a \(shape) table")
        precondition(zip(rows, rows.dropFirst()).allSatisfy { $0 < $1 }, "RowSparseGradient: rows must be ascending and distinct")
        precondition(rows.allSatisfy { (0..<shape[0]).contains($0) }, "RowSparseGradient: a row is outside the \(shape) table")
        self.shape = shape
        self.rows = rows
        self.values = values
    }

    /// The gradient as a full tensor of the table's shape (zeros elsewhere).
    public func densified() -> Tensor {
        var dense = Tensor.zeros(shape)
        let dimension = shape[1]
        dense.withUnsafeMutableBufferPointer { buffer in
            values.withUnsafeBufferPointer { source in
                for (slot, row) in rows.enumerated() {
                    (buffer.baseAddress! + row * dimension).update(from: source.baseAddress! + slot * dimension, count: dimension)
                }
            }
        }
        return dense
    }

    /// The sum of this gradient and `other` (of the same table).
    public func adding(_ other: RowSparseGradient) -> RowSparseGradient {
        precondition(other.shape == shape, "RowSparseGradient: adding a \(other.shape) table's gradient to a \(shape) one's")
        let dimension = shape[1]
        let rows = Array(Set(self.rows).union(other.rows)).sorted()
        let slots = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
        let sum = Tensor(unsafeUninitializedShape: [rows.count, dimension]) { buffer in
            buffer.initialize(repeating: 0)
            for part in [self, other] {
                part.values.withUnsafeBufferPointer { source in
                    for (slot, row) in part.rows.enumerated() {
                        let target = buffer.baseAddress! + slots[row]! * dimension
                        for k in 0..<dimension { target[k] += source[slot * dimension + k] }
                    }
                }
            }
        }
        return RowSparseGradient(shape: shape, rows: rows, values: sum)
    }
}

/// Where a lookup delivers its table's gradient as rows instead of a full tensor (see
/// `embeddingBag(_:weight:…rowGradientSink:)`); a `Parameter` of a sparse embedding owns one.
///
/// The lookup is recorded with the sink's `trigger` (a one-element leaf that requires a gradient)
/// as its input, so that `backward()` runs its rule; the rule adds the rows here.
public final class RowGradientSink: @unchecked Sendable {
    /// The rows accumulated since the last `clear()`.
    public private(set) var gradient: RowSparseGradient?
    /// The leaf a lookup records as its input; its own gradient is always zero.
    public let trigger = Tensor([0], requiresGradient: true)

    /// An empty sink.
    public init() {}

    /// Adds `rows` to the accumulated gradient.
    public func accumulate(_ rows: RowSparseGradient) { gradient = gradient.map { $0.adding(rows) } ?? rows }

    /// Replaces the accumulated gradient (gradient clipping scales it).
    public func replace(with rows: RowSparseGradient?) { gradient = rows }

    /// Forgets the accumulated gradient.
    public func clear() {
        gradient = nil
        trigger.gradient = nil
    }
}
