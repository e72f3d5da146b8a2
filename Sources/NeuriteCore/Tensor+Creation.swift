extension Tensor {
    /// A tensor of `shape` holding `scalars` in row-major order.
    /// - Precondition: `scalars.count` equals the product of `shape`.
    public init(_ scalars: [Float], shape: [Int], requiresGradient: Bool = false) {
        Tensor.checkShape(shape, operation: "Tensor(_:shape:)")
        precondition(scalars.count == shape.reduce(1, *), "Tensor(_:shape:): \(scalars.count) values for shape \(shape)")
        self.init(unsafeUninitializedShape: shape) { buffer in
            _ = buffer.initialize(from: scalars)
        }
        self.requiresGradient = requiresGradient
    }

    /// A vector (shape `[n]`) holding `scalars`.
    public init(_ scalars: [Float], requiresGradient: Bool = false) {
        self.init(scalars, shape: [scalars.count], requiresGradient: requiresGradient)
    }

    /// A matrix from its rows (shape `[rows.count, rows[0].count]`).
    public init(rows: [[Float]], requiresGradient: Bool = false) {
        let width = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == width }, "Tensor(rows:): rows of different lengths")
        self.init(rows.flatMap { $0 }, shape: [rows.count, width], requiresGradient: requiresGradient)
    }

    /// A scalar (shape `[]`).
    public init(_ value: Float, requiresGradient: Bool = false) {
        self.init([value], shape: [], requiresGradient: requiresGradient)
    }

    /// A tensor of `shape` with every element `value`.
    public static func full(_ shape: [Int], value: Float) -> Tensor {
        Tensor(unsafeUninitializedShape: shape) { $0.initialize(repeating: value) }
    }

    /// A tensor of `shape` filled with 0.
    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, value: 0) }

    /// A tensor of `shape` filled with 1.
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, value: 1) }

    /// Zeros of `other`'s shape.
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape) }

    /// Ones of `other`'s shape.
    public static func ones(like other: Tensor) -> Tensor { ones(other.shape) }

    /// The values `start, start + step, …` up to but excluding `end`, as in `torch.arange`:
    /// `⌈(end − start) / step⌉` elements, each computed as `start + i · step` (no accumulated error).
    public static func arange(_ start: Float, _ end: Float, step: Float = 1) -> Tensor {
        precondition(step != 0, "arange: step must not be zero")
        let span = (Double(end) - Double(start)) / Double(step)
        let count = Swift.max(0, Int(span.rounded(.up)))
        return Tensor(unsafeUninitializedShape: [count]) { buffer in
            for i in 0..<count { buffer[i] = Float(Double(start) + Double(i) * Double(step)) }
        }
    }

    /// `0, 1, …, end − 1` (`torch.arange(end)`).
    public static func arange(_ end: Float) -> Tensor { arange(0, end) }

    /// `count` evenly spaced values from `start` to `end` inclusive, as in `torch.linspace`:
    /// the first half is computed forwards from `start`, the second half backwards from `end`, so
    /// both ends are exact.
    public static func linspace(_ start: Float, _ end: Float, count: Int) -> Tensor {
        precondition(count >= 0, "linspace: negative count \(count)")
        if count == 1 { return Tensor([start]) }
        let step = (end - start) / Float(count - 1)
        let half = count / 2
        return Tensor(unsafeUninitializedShape: [count]) { buffer in
            for i in 0..<count {
                buffer[i] = i < half ? start + step * Float(i) : end - step * Float(count - 1 - i)
            }
        }
    }

    /// The `n × n` identity matrix (`torch.eye`).
    public static func identity(_ n: Int) -> Tensor {
        var result = zeros([n, n])
        result.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<n { buffer[i * n + i] = 1 }
        }
        return result
    }
}
