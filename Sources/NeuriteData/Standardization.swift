import NeuriteCore

/// Per-feature standardisation `(x − mean) / std`, with the statistics computed on training data
/// only and then applied to any split. For images `[N, C, H, W]` pass `axes: [0, 2, 3]` to get
/// per-channel statistics.
public struct Standardization: Sendable, Equatable {
    /// The mean, with the reduced axes kept as 1.
    public let mean: Tensor
    /// The deviation, with the reduced axes kept as 1; positive.
    public let standardDeviation: Tensor

    /// Statistics over `axes` of `data` (by default axis 0: one per feature). Features that never
    /// vary get a deviation of 1, so they map to 0 instead of NaN.
    public init(fitting data: Tensor, axes: [Int] = [0]) {
        mean = data.mean(axes: axes, keepDims: true).detached()
        let deviation = sqrt(data.variance(axes: axes, correction: 0, keepDims: true)).detached()
        standardDeviation = Tensor.where(deviation .> 0, deviation, Tensor(1))
    }

    /// `(x − mean) / standardDeviation`.
    public func callAsFunction(_ x: Tensor) -> Tensor { (x - mean) / standardDeviation }
}

/// The former name of `Standardization`.
@available(*, deprecated, renamed: "Standardization", message: "it standardises; normalisation layers are BatchNorm and LayerNorm")
public typealias Normalization = Standardization
