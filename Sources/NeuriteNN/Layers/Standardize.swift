import NeuriteCore

/// Standardisation as a layer: `y = (x − mean) / standardDeviation`, with statistics fitted once on
/// training data and kept in the model as buffers (state-dict keys `mean` and
/// `standard_deviation`), so a saved model takes raw inputs (Keras's `layers.Normalization` after
/// `adapt`; PyTorch has no layer for it and users fold the statistics into a transform).
///
/// The statistics have the shape they were fitted with, keeping the reduced axes as 1
/// (`[1, F]` for per-feature statistics of `[N, F]` data, `[1, C, 1, 1]` per channel of images)
/// and broadcast against the input. They are not trained. `{"shape": [1, 8]}` in descriptions.
public final class Standardize: Module, DescribableLayer {
    /// The statistics' shape.
    public struct Configuration: LayerConfiguration {
        /// The shape of `mean` and `standardDeviation`, e.g. `[1, F]`.
        public var shape: [Int]

        /// Statistics of `shape`.
        public init(shape: [Int]) { self.shape = shape }

        /// Every length positive and the statistics allocatable.
        public func validate() throws(LayerConfigurationError) {
            try LayerConfigurationError.require(!shape.isEmpty && shape.allSatisfy { $0 > 0 }, "shape \(shape) must be positive lengths")
            try LayerConfigurationError.requireAllocatable(shape, for: "standardisation statistics")
        }
    }

    public let configuration: Configuration
    /// The mean subtracted from inputs, of the configuration's shape.
    public let mean: Buffer
    /// The deviation inputs are divided by, of the configuration's shape; positive.
    public let standardDeviation: Buffer

    /// A layer with the given statistics, which must have one shape and positive deviations.
    public init(mean: Tensor, standardDeviation: Tensor) {
        precondition(
            mean.shape == standardDeviation.shape,
            "Standardize: mean of shape \(mean.shape) and standard deviation of shape \(standardDeviation.shape) differ")
        precondition(
            standardDeviation.scalars.allSatisfy { $0 > 0 && $0.isFinite },
            "Standardize: standard deviations must be positive and finite")
        configuration = Configuration(shape: mean.rank == 0 ? [1] : mean.shape).validated(for: "Standardize")
        self.mean = Buffer(mean.detached().reshaped(configuration.shape))
        self.standardDeviation = Buffer(standardDeviation.detached().reshaped(configuration.shape))
        super.init()
    }

    /// Statistics over `axes` of `data` (by default axis 0: one mean and deviation per feature),
    /// with the population deviation (`correction: 0`, as Keras and scikit-learn); features that
    /// never vary get a deviation of 1, so they map to 0 instead of NaN. The same statistics as
    /// `Standardization(fitting:axes:)`.
    public convenience init(fitting data: Tensor, axes: [Int] = [0]) {
        let mean = data.mean(axes: axes, keepDims: true).detached()
        let deviation = sqrt(data.variance(axes: axes, correction: 0, keepDims: true)).detached()
        self.init(mean: mean, standardDeviation: Tensor.where(deviation .> 0, deviation, Tensor(1)))
    }

    /// Statistics of 0 and 1 to be replaced by a model file's buffers.
    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(mean: Tensor.zeros(configuration.shape), standardDeviation: Tensor.ones(configuration.shape))
    }

    public override func forward(_ input: Tensor) -> Tensor {
        precondition(
            Self.broadcasts(configuration.shape, onto: input.shape),
            "\(layerDescription): statistics of shape \(configuration.shape) do not broadcast onto input \(input.shape)")
        return (input - mean.value) / standardDeviation.value
    }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        try LayerShapeError.require(
            Self.broadcasts(configuration.shape, onto: shape),
            "\(layerDescription): statistics of shape \(configuration.shape) do not broadcast onto input \(shape)")
        return shape
    }

    public override var layerDescription: String { "Standardize(shape: \(configuration.shape))" }

    /// Whether `statistics` broadcasts onto `input` without changing the input's shape.
    private static func broadcasts(_ statistics: [Int], onto input: [Int]) -> Bool {
        guard statistics.count <= input.count else { return false }
        return zip(statistics.reversed(), input.reversed()).allSatisfy { $0 == 1 || $0 == $1 }
    }
}
