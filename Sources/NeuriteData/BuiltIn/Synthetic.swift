import NeuriteCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Small generated data sets for demonstrations and tests; all seeded.
public enum SyntheticData {
    /// Two interleaving half circles in 2-D (scikit-learn's `make_moons`), `count` points split
    /// evenly between classes 0 and 1, with Gaussian `noise`.
    public static func twoMoons(count: Int, noise: Float = 0.1, seed: UInt64) -> TensorDataset {
        var generator = PhiloxGenerator(seed: seed)
        var points: [Float] = [], labels: [Float] = []
        for i in 0..<count {
            let upper = i < count / 2
            let t = Float.pi * generator.nextUniform()
            let (x, y) = upper ? (cosf(t), sinf(t)) : (1 - cosf(t), 0.5 - sinf(t))
            let (nx, ny) = generator.nextNormalPair()
            points += [x + noise * nx, y + noise * ny]
            labels.append(upper ? 0 : 1)
        }
        return TensorDataset(inputs: Tensor(points, shape: [count, 2]), targets: Tensor(labels))
    }

    /// `classes` interleaved spiral arms in 2-D, `pointsPerClass` points each, with noise on the
    /// angle.
    public static func spirals(pointsPerClass: Int, classes: Int = 2, noise: Float = 0.2, seed: UInt64) -> TensorDataset {
        var generator = PhiloxGenerator(seed: seed)
        var points: [Float] = [], labels: [Float] = []
        for label in 0..<classes {
            for i in 0..<pointsPerClass {
                let radius = Float(i) / Float(pointsPerClass)
                let angle = Float(label) * 2 * .pi / Float(classes) + 4 * radius + noise * generator.nextNormalPair().0
                points += [radius * sinf(angle), radius * cosf(angle)]
                labels.append(Float(label))
            }
        }
        return TensorDataset(inputs: Tensor(points, shape: [classes * pointsPerClass, 2]), targets: Tensor(labels))
    }

    /// The four XOR points and their labels.
    public static func xor() -> TensorDataset {
        TensorDataset(inputs: Tensor([0, 0, 0, 1, 1, 0, 1, 1], shape: [4, 2]), targets: Tensor([0, 1, 1, 0]))
    }

    /// `count` samples of `function` at uniform points of `range`, with Gaussian noise of standard
    /// deviation `noise` on the targets: inputs `[count, 1]`, targets `[count, 1]`.
    public static func function(
        _ function: (Float) -> Float, in range: ClosedRange<Float>, count: Int, noise: Float = 0, seed: UInt64
    ) -> TensorDataset {
        var generator = PhiloxGenerator(seed: seed)
        var xs: [Float] = [], ys: [Float] = []
        for _ in 0..<count {
            let x = range.lowerBound + (range.upperBound - range.lowerBound) * generator.nextUniform()
            xs.append(x)
            ys.append(function(x) + noise * generator.nextNormalPair().0)
        }
        return TensorDataset(inputs: Tensor(xs, shape: [count, 1]), targets: Tensor(ys, shape: [count, 1]))
    }
}
