import NeuriteCore

/// `max(0, x) + a · min(0, x)` with a learned slope `a` (He et al., "Delving Deep into
/// Rectifiers", 2015), per channel — PyTorch's `F.prelu`: `weight` has one slope, shared by every
/// element, or one per channel of axis 1 (`[N, C, …]` inputs). Derivatives are PyTorch's: `∂/∂x`
/// is 1 for x > 0 and `a` otherwise (so `a` at 0); `∂/∂a` sums `min(0, x)` times the gradient.
public func prelu(_ x: Tensor, weight: Tensor) -> Tensor {
    precondition(
        weight.rank == 1 && (weight.shape[0] == 1 || (x.rank >= 2 && x.shape[1] == weight.shape[0])),
        "prelu: \(weight.shape[0]) slopes for an input of shape \(x.shape) (expected 1, or one per channel of axis 1)")
    // The slopes, shaped [1, C, 1, …] to broadcast over axis 1 (or a single value).
    let slopeShape = weight.shape[0] == 1 ? [] : [1, weight.shape[0]] + Array(repeating: 1, count: x.rank - 2)
    let (input, slopes) = (x.detached(), weight.detached().reshaped(slopeShape))
    let positive = input .> 0
    let negativePart = Tensor.where(positive, Tensor(0), input)
    let value = Tensor.where(positive, input, negativePart * slopes)
    let weightShape = weight.shape
    return Tensor.recording("prelu", value: value, inputs: [x, weight]) { g in
        [g * Tensor.where(positive, Tensor(1), slopes), (g * negativePart).sum(toShape: slopeShape).reshaped(weightShape)]
    }
}

/// A parametric ReLU layer (PyTorch's `nn.PReLU(num_parameters, init)`): `weight` holds `channels`
/// slopes, all `initialSlope` (0.25) at the start; one slope (the default) is shared by every
/// element, `channels > 1` gives one per channel of axis 1. The state-dict key is PyTorch's
/// `weight`. PyTorch applies weight decay to the slopes too; its documentation advises against it.
public final class PReLU: Module, DescribableLayer {
    /// `{"channels": 1, "initialSlope": 0.25}`.
    public struct Configuration: LayerConfiguration {
        /// Learned slopes: 1 shared, or one per channel (axis 1).
        public var channels: Int
        /// The slopes' starting value (0.25).
        public var initialSlope: Float

        /// A configuration; the defaults are PyTorch's.
        public init(channels: Int = 1, initialSlope: Float = 0.25) {
            self.channels = channels
            self.initialSlope = initialSlope
        }

        public func validate() throws(LayerConfigurationError) {
            try LayerConfigurationError.require(channels > 0, "channel count must be positive, got \(channels)")
            try LayerConfigurationError.requireAllocatable([channels], for: "a weight")
            try LayerConfigurationError.require(initialSlope.isFinite, "initial slope \(initialSlope) must be finite")
        }

        private enum CodingKeys: String, CodingKey { case channels, initialSlope }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            channels = try container.decode(.channels, default: 1)
            initialSlope = try container.decode(.initialSlope, default: 0.25)
        }
    }

    public let configuration: Configuration
    /// The slopes, `[channels]`.
    public let weight: Parameter

    /// `max(0, x) + a · min(0, x)` with learned slopes `a` (PyTorch's `nn.PReLU`).
    public init(channels: Int = 1, initialSlope: Float = 0.25) {
        configuration = Configuration(channels: channels, initialSlope: initialSlope).validated(for: "PReLU")
        weight = Parameter(Tensor.full([channels], value: initialSlope))
        super.init()
    }

    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(channels: configuration.channels, initialSlope: configuration.initialSlope)
    }

    public override func forward(_ input: Tensor) -> Tensor { prelu(input, weight: weight.value) }
    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        let channels = configuration.channels
        try LayerShapeError.require(
            channels == 1 || (shape.count >= 2 && shape[1] == channels),
            "\(layerDescription) has \(channels) slopes, one per channel of axis 1, for an input of shape \(shape)")
        return shape
    }

    public override var layerDescription: String {
        let channels = configuration.channels == 1 ? "" : "channels: \(configuration.channels)"
        let slope = configuration.initialSlope == 0.25 ? "" : "initialSlope: \(configuration.initialSlope)"
        return "PReLU(\([channels, slope].filter { !$0.isEmpty }.joined(separator: ", ")))"
    }
}
