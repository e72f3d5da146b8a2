/// Tensors from and to nested Swift arrays, the way PyTorch users write `torch.tensor([[1, 2], [3,
/// 4]])` and read `x.tolist()`. Ragged arrays and the wrong rank are programmer errors that name the
/// operation and the shapes.
extension Tensor {
    /// A matrix from its rows: `Tensor([[1, 2], [3, 4]])` has shape `[2, 2]` (PyTorch's
    /// `torch.tensor` of a nested list). All rows must have one length.
    public init(_ rows: [[Float]], requiresGradient: Bool = false) {
        self.init(rows: rows, requiresGradient: requiresGradient)
    }

    /// A rank-3 tensor from nested arrays: shape `[planes.count, rows, columns]`.
    public init(_ planes: [[[Float]]], requiresGradient: Bool = false) {
        let inner = planes.first.map { [$0.count, $0.first?.count ?? 0] } ?? [0, 0]
        var scalars: [Float] = []
        scalars.reserveCapacity(planes.count * inner[0] * inner[1])
        for (index, plane) in planes.enumerated() {
            precondition(
                plane.count == inner[0] && plane.allSatisfy { $0.count == inner[1] },
                "Tensor([[[Float]]]): element \(index) is not \(inner[0]) × \(inner[1]) like element 0 (ragged arrays)")
            for row in plane { scalars += row }
        }
        self.init(scalars, shape: [planes.count] + inner, requiresGradient: requiresGradient)
    }

    /// A rank-4 tensor from nested arrays, e.g. images `[N, C, H, W]`.
    public init(_ volumes: [[[[Float]]]], requiresGradient: Bool = false) {
        let parts = volumes.map { Tensor($0) }
        let inner = parts.first?.shape ?? [0, 0, 0]
        for (index, part) in parts.enumerated() {
            precondition(
                part.shape == inner, "Tensor([[[[Float]]]]): element \(index) has shape \(part.shape), element 0 \(inner) (ragged arrays)")
        }
        self.init(parts.flatMap(\.scalars), shape: [volumes.count] + inner, requiresGradient: requiresGradient)
    }

    /// The rows of a matrix as nested arrays (PyTorch's `tolist()` for rank 2).
    public var rows: [[Float]] {
        precondition(rank == 2, "rows: needs a matrix, got shape \(shape)")
        let values = scalars, width = shape[1]
        return (0..<shape[0]).map { Array(values[$0 * width..<($0 + 1) * width]) }
    }

    /// A rank-3 tensor as nested arrays `[shape[0]][shape[1]][shape[2]]` (PyTorch's `tolist()`).
    public var nestedScalars3D: [[[Float]]] {
        precondition(rank == 3, "nestedScalars3D: needs rank 3, got shape \(shape)")
        return (0..<shape[0]).map { self[$0].rows }
    }

    /// A rank-4 tensor as nested arrays (PyTorch's `tolist()`), e.g. images `[N][C][H][W]`.
    public var nestedScalars4D: [[[[Float]]]] {
        precondition(rank == 4, "nestedScalars4D: needs rank 4, got shape \(shape)")
        return (0..<shape[0]).map { self[$0].nestedScalars3D }
    }
}
