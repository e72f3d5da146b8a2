import NeuriteKernels

/// Shape arithmetic shared by the operations: broadcasting and axis normalisation.
enum Shape {
    /// NumPy broadcasting: shapes are aligned at their last axis; each pair of lengths must be
    /// equal or one of them 1 (a missing axis counts as 1).
    static func broadcast(_ a: [Int], _ b: [Int], operation: String) -> [Int] {
        let rank = Swift.max(a.count, b.count)
        var result = Array(repeating: 0, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            precondition(x == y || x == 1 || y == 1, "\(operation): shapes \(a) and \(b) cannot be broadcast together (axis lengths \(x) and \(y))")
            result[i] = x == 1 ? y : x
        }
        return result
    }

    /// The strides that read a contiguous array of `shape` as if it had `target` (a broadcast of
    /// it): 0 along axes that are added or stretched from length 1.
    static func broadcastStrides(of shape: [Int], to target: [Int]) -> [Int] {
        let own = contiguousStrides(of: shape)
        let offset = target.count - shape.count
        return target.indices.map { axis in
            axis < offset || shape[axis - offset] == 1 ? 0 : own[axis - offset]
        }
    }

    /// When `shape` broadcasts to `target` by repetition along leading axes only (its elements
    /// are a contiguous suffix block of `target`'s, or it has one element), how many times it
    /// repeats; nil otherwise.
    static func leadingRepeats(of shape: [Int], in target: [Int]) -> Int? {
        let count = shape.reduce(1, *)
        let total = target.reduce(1, *)
        if count == 1 { return total }
        let trimmed = shape.drop { $0 == 1 }
        guard trimmed.count <= target.count, Array(target.suffix(trimmed.count)) == Array(trimmed), count > 0 else { return nil }
        return total / count
    }

    /// `axis` as a non-negative index into `rank` axes; `-1` is the last.
    static func normalize(axis: Int, rank: Int, operation: String) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < rank, "\(operation): axis \(axis) out of range for rank \(rank)")
        return resolved
    }

    /// Sorted, distinct, non-negative axes.
    static func normalize(axes: [Int], rank: Int, operation: String) -> [Int] {
        let resolved = axes.map { normalize(axis: $0, rank: rank, operation: operation) }
        precondition(Set(resolved).count == resolved.count, "\(operation): repeated axis in \(axes)")
        return resolved.sorted()
    }
}
