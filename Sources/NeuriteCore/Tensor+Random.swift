extension Tensor {
    /// Values drawn uniformly from [`low`, `high`): `low + (high − low) · u` with `u` from
    /// `generator.nextUniform()`, in row-major order.
    public static func uniform(
        _ shape: [Int], low: Float = 0, high: Float = 1, generator: inout PhiloxGenerator
    ) -> Tensor {
        precondition(low <= high, "uniform: low \(low) is above high \(high)")
        return Tensor(unsafeUninitializedShape: shape) { buffer in
            for i in buffer.indices { buffer[i] = low + (high - low) * generator.nextUniform() }
        }
    }

    /// Values drawn from a normal distribution, `mean + standardDeviation · z` with `z` from
    /// `generator.nextNormalPair()` (both values of each pair are used, in order).
    public static func normal(
        _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, generator: inout PhiloxGenerator
    ) -> Tensor {
        precondition(standardDeviation >= 0, "normal: negative standard deviation \(standardDeviation)")
        return Tensor(unsafeUninitializedShape: shape) { buffer in
            var i = 0
            while i < buffer.count {
                let (z0, z1) = generator.nextNormalPair()
                buffer[i] = mean + standardDeviation * z0
                if i + 1 < buffer.count { buffer[i + 1] = mean + standardDeviation * z1 }
                i += 2
            }
        }
    }

    /// Independent 0/1 values, 1 with probability `probability`.
    public static func bernoulli(
        _ shape: [Int], probability: Float, generator: inout PhiloxGenerator
    ) -> Tensor {
        precondition((0...1).contains(probability), "bernoulli: probability \(probability) is not in [0, 1]")
        return Tensor(unsafeUninitializedShape: shape) { buffer in
            for i in buffer.indices { buffer[i] = generator.nextUniform() < probability ? 1 : 0 }
        }
    }

    /// `uniform` from a fresh generator seeded with `seed` (stream 0).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, seed: UInt64) -> Tensor {
        var generator = PhiloxGenerator(seed: seed)
        return uniform(shape, low: low, high: high, generator: &generator)
    }

    /// `normal` from a fresh generator seeded with `seed` (stream 0).
    public static func normal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, seed: UInt64) -> Tensor {
        var generator = PhiloxGenerator(seed: seed)
        return normal(shape, mean: mean, standardDeviation: standardDeviation, generator: &generator)
    }
}
