// Joining tensors and splitting them apart.

extension Tensor {
    /// Joins `tensors` along `axis` (`torch.cat`). All must have the same rank and the same lengths
    /// on every other axis. Derivative: the gradient split back into the pieces.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate: no tensors given")
        let first = tensors[0].shape
        let axis = Shape.normalize(axis: axis, rank: first.count, operation: "concatenate")
        for tensor in tensors {
            precondition(
                tensor.rank == first.count && tensor.shape.indices.allSatisfy { $0 == axis || tensor.shape[$0] == first[$0] },
                "concatenate: shapes \(tensors.map(\.shape)) differ outside axis \(axis)")
        }
        let lengths = tensors.map { $0.shape[axis] }
        var shape = first
        shape[axis] = lengths.reduce(0, +)
        let outer = first[..<axis].reduce(1, *)
        let inner = first[(axis + 1)...].reduce(1, *)
        let value = Tensor(unsafeUninitializedShape: shape) { output in
            var position = 0
            for o in 0..<outer {
                for (tensor, length) in zip(tensors, lengths) {
                    let chunk = length * inner
                    (output.baseAddress! + position).update(from: tensor.storage.base + o * chunk, count: chunk)
                    position += chunk
                }
            }
        }
        return recording("concatenate", value: value, inputs: tensors) { g in
            g.split(sizes: lengths, axis: axis).map { Optional($0) }
        }
    }

    /// Stacks tensors of one shape along a new axis (`torch.stack`).
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack: no tensors given")
        precondition(tensors.allSatisfy { $0.shape == tensors[0].shape }, "stack: shapes \(tensors.map(\.shape)) differ")
        return concatenate(tensors.map { $0.unsqueezed(axis: axis) }, axis: axis)
    }

    /// Cuts along `axis` into consecutive pieces of the given lengths, which must add up to the
    /// axis length (`torch.split` with a list).
    public func split(sizes: [Int], axis: Int = 0) -> [Tensor] {
        let resolved = Shape.normalize(axis: axis, rank: rank, operation: "split")
        precondition(
            sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[resolved],
            "split: sizes \(sizes) do not add up to length \(shape[resolved]) of axis \(axis) in \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: resolved, start..<start + size)
        }
    }

    /// Cuts along `axis` into pieces of `size` (the last may be shorter), as `torch.split` with
    /// an integer.
    public func split(size: Int, axis: Int = 0) -> [Tensor] {
        precondition(size > 0, "split: piece size \(size) must be positive")
        let length = shape[Shape.normalize(axis: axis, rank: rank, operation: "split")]
        let sizes = stride(from: 0, to: length, by: size).map { Swift.min(size, length - $0) }
        return split(sizes: sizes, axis: axis)
    }
}
