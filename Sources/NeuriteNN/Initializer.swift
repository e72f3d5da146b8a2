import NeuriteCore

/// How a weight tensor is filled, with PyTorch's formulas (`torch.nn.init`).
///
/// Fans follow PyTorch for any rank ≥ 2: for a weight of shape `[out, in, k₁, k₂, …]` the
/// receptive field is `k₁·k₂·…`, `fanIn = in · receptive` and `fanOut = out · receptive`, so
/// `Dense` weights `[out, in]` and convolution kernels `[out, in, kh, kw]` are both right.
public enum Initializer: Sendable, Equatable {
    /// Every element 0.
    case zeros
    /// Every element 1.
    case ones
    /// Every element the given value.
    case constant(Float)
    /// U(low, high).
    case uniform(low: Float = 0, high: Float = 1)
    /// N(mean, standardDeviation²).
    case normal(mean: Float = 0, standardDeviation: Float = 1)
    /// N(mean, std²) restricted to [low, high] (absolute bounds, as `trunc_normal_`; values outside
    /// are drawn again).
    case truncatedNormal(mean: Float = 0, standardDeviation: Float = 1, low: Float = -2, high: Float = 2)
    /// Glorot: U(−a, a) with `a = gain · √(6 / (fanIn + fanOut))`.
    case xavierUniform(gain: Float = 1)
    /// Glorot: N(0, σ²) with `σ = gain · √(2 / (fanIn + fanOut))`.
    case xavierNormal(gain: Float = 1)
    /// He: U(−b, b) with `b = gain · √(3 / fan)`, `gain` from `nonlinearity` (and `a`, the
    /// leaky-ReLU slope). PyTorch's defaults: `a = 0`, fan-in, leaky ReLU (so gain √2).
    case kaimingUniform(a: Float = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu)
    /// He: N(0, σ²) with `σ = gain / √fan`.
    case kaimingNormal(a: Float = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu)
    /// A (semi-)orthogonal matrix times `gain`, from the QR decomposition of a normal sample with
    /// the signs of R's diagonal folded in (as `orthogonal_`); higher ranks are flattened to
    /// `[out, rest]`.
    case orthogonal(gain: Float = 1)

    /// Which fan a Kaiming initialiser preserves.
    public enum FanMode: Sendable {
        /// Preserves the variance of the forward pass (PyTorch's `fan_in`, the default).
        case fanIn
        /// Preserves the variance of the gradients in the backward pass (`fan_out`).
        case fanOut
    }

    /// The nonlinearities of PyTorch's `calculate_gain`.
    public enum Nonlinearity: Sendable, Equatable {
        /// The nonlinearity after a layer, which sets the initialiser's gain (PyTorch's `calculate_gain`).
        case linear, sigmoid, tanh, relu, leakyRelu, selu

        /// The recommended gain: 1 for linear and sigmoid, 5/3 for tanh, √2 for ReLU,
        /// √(2 / (1 + a²)) for leaky ReLU of slope `a`, 3/4 for SELU.
        public func gain(negativeSlope a: Float = 0.01) -> Float {
            switch self {
            case .linear, .sigmoid: 1
            case .tanh: 5.0 / 3
            case .relu: Float(2).squareRoot()
            case .leakyRelu: (2 / (1 + a * a)).squareRoot()
            case .selu: 0.75
            }
        }
    }

    /// `(fanIn, fanOut)` of a weight of `shape` (rank ≥ 2).
    public static func fans(of shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        precondition(shape.count >= 2, "Initializer: fans need a weight of rank ≥ 2, got shape \(shape)")
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// A tensor of `shape` drawn from `generator`.
    public func make(_ shape: [Int], generator: inout PhiloxGenerator) -> Tensor {
        switch self {
        case .zeros: return Tensor.zeros(shape)
        case .ones: return Tensor.ones(shape)
        case .constant(let value): return Tensor.full(shape, value: value)
        case .uniform(let low, let high): return Tensor.uniform(shape, low: low, high: high, generator: &generator)
        case .normal(let mean, let deviation):
            return Tensor.normal(shape, mean: mean, standardDeviation: deviation, generator: &generator)
        case .truncatedNormal(let mean, let deviation, let low, let high):
            precondition(low < high, "truncatedNormal: low \(low) is not below high \(high)")
            let count = shape.reduce(1, *)
            var values: [Float] = []
            values.reserveCapacity(count)
            while values.count < count {
                let (z0, z1) = generator.nextNormalPair()
                for z in [z0, z1] where values.count < count {
                    let value = mean + deviation * z
                    if value >= low && value <= high { values.append(value) }
                }
            }
            return Tensor(values, shape: shape)
        case .xavierUniform(let gain):
            let (fanIn, fanOut) = Self.fans(of: shape)
            let bound = gain * (6 / Float(fanIn + fanOut)).squareRoot()
            return Tensor.uniform(shape, low: -bound, high: bound, generator: &generator)
        case .xavierNormal(let gain):
            let (fanIn, fanOut) = Self.fans(of: shape)
            return Tensor.normal(shape, standardDeviation: gain * (2 / Float(fanIn + fanOut)).squareRoot(), generator: &generator)
        case .kaimingUniform(let a, let mode, let nonlinearity):
            let bound = nonlinearity.gain(negativeSlope: a) * (3 / Float(Self.fan(shape, mode))).squareRoot()
            return Tensor.uniform(shape, low: -bound, high: bound, generator: &generator)
        case .kaimingNormal(let a, let mode, let nonlinearity):
            let deviation = nonlinearity.gain(negativeSlope: a) / Float(Self.fan(shape, mode)).squareRoot()
            return Tensor.normal(shape, standardDeviation: deviation, generator: &generator)
        case .orthogonal(let gain):
            return Self.orthogonal(shape, gain: gain, generator: &generator)
        }
    }

    private static func fan(_ shape: [Int], _ mode: FanMode) -> Int {
        let (fanIn, fanOut) = fans(of: shape)
        return mode == .fanIn ? fanIn : fanOut
    }

    /// Modified Gram–Schmidt in `Double` on the longer side, which equals QR with R's diagonal made
    /// positive.
    private static func orthogonal(_ shape: [Int], gain: Float, generator: inout PhiloxGenerator) -> Tensor {
        precondition(shape.count >= 2, "orthogonal: needs rank ≥ 2, got shape \(shape)")
        let rows = shape[0], columns = shape.dropFirst().reduce(1, *)
        let sample = Tensor.normal([rows, columns], generator: &generator).scalars.map(Double.init)
        // Orthonormalise the vectors along the shorter side.
        let transposed = rows < columns
        let (count, length) = transposed ? (rows, columns) : (columns, rows)
        var vectors = (0..<count).map { v in
            (0..<length).map { i in transposed ? sample[v * columns + i] : sample[i * columns + v] }
        }
        for v in 0..<count {
            for u in 0..<v {
                let projection = zip(vectors[v], vectors[u]).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<length { vectors[v][i] -= projection * vectors[u][i] }
            }
            let norm = vectors[v].reduce(0) { $0 + $1 * $1 }.squareRoot()
            for i in 0..<length { vectors[v][i] /= norm }
        }
        var values = [Float](repeating: 0, count: rows * columns)
        for v in 0..<count {
            for i in 0..<length {
                values[transposed ? v * columns + i : i * columns + v] = gain * Float(vectors[v][i])
            }
        }
        return Tensor(values, shape: shape)
    }
}
