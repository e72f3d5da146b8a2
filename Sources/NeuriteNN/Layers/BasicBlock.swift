import NeuriteCore

/// The ResNet basic block (torchvision's `BasicBlock`, He et al. 2016):
///
/// `y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))`
///
/// with 3×3 convolutions without bias (`conv1` strided), and as shortcut the input itself, or,
/// when the stride is not 1 or the width changes, a strided 1×1 convolution and batch norm
/// (`downsample`). `[N, in, H, W] → [N, out, ⌈H/stride⌉, ⌈W/stride⌉]`. State-dict keys are
/// torchvision's: `conv1.weight`, `bn1.running_mean`, …, `downsample.0.weight`, `downsample.1.bias`.
public final class BasicBlock: Module, DescribableLayer {
    /// `{"in": 32, "out": 64, "stride": 2}`; the projection follows from them.
    public struct Configuration: LayerConfiguration {
        /// Input channels.
        public var inChannels: Int
        /// Output channels.
        public var outChannels: Int
        /// The first convolution's stride (1); 2 halves the size.
        public var stride: Int

        /// A configuration; a projection is added when the stride or the width changes.
        public init(inChannels: Int, outChannels: Int, stride: Int = 1) {
            self.inChannels = inChannels
            self.outChannels = outChannels
            self.stride = stride
        }

        public func validate() throws(LayerConfigurationError) {
            try LayerConfigurationError.require(
                inChannels > 0 && outChannels > 0, "channel counts must be positive, got \(inChannels) => \(outChannels)")
            try LayerConfigurationError.require(stride >= 1, "stride must be at least 1, got \(stride)")
            try LayerConfigurationError.requireAllocatable([outChannels, max(inChannels, outChannels), 3, 3], for: "a weight")
        }

        private enum CodingKeys: String, CodingKey {
            case inChannels = "in"
            case outChannels = "out"
            case stride
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            inChannels = try container.decode(Int.self, forKey: .inChannels)
            outChannels = try container.decode(Int.self, forKey: .outChannels)
            stride = try container.decode(.stride, default: 1)
        }
    }

    public let configuration: Configuration
    /// The first 3×3 convolution.
    public let conv1: Conv2D
    /// The batch normalisation after the first convolution.
    public let bn1: BatchNorm
    /// The second 3×3 convolution.
    public let conv2: Conv2D
    /// The batch normalisation after the second convolution.
    public let bn2: BatchNorm
    /// The projected shortcut, present when the stride or the width changes.
    public let downsample: Sequential?

    /// A block with PyTorch's default initialisation drawn from `generator` (conv1, conv2, then the
    /// projection).
    public init(_ inChannels: Int, _ outChannels: Int, stride: Int = 1, generator: inout PhiloxGenerator) {
        configuration = Configuration(inChannels: inChannels, outChannels: outChannels, stride: stride).validated(for: "BasicBlock")
        conv1 = Conv2D(inChannels, outChannels, kernelSize: 3, stride: AxisValues([stride]), padding: 1, bias: false, generator: &generator)
        bn1 = BatchNorm(outChannels)
        conv2 = Conv2D(outChannels, outChannels, kernelSize: 3, padding: 1, bias: false, generator: &generator)
        bn2 = BatchNorm(outChannels)
        downsample =
            stride != 1 || inChannels != outChannels
            ? Sequential([
                Conv2D(inChannels, outChannels, kernelSize: 1, stride: AxisValues([stride]), bias: false, generator: &generator),
                BatchNorm(outChannels),
            ]) : nil
        super.init()
    }

    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(configuration.inChannels, configuration.outChannels, stride: configuration.stride, generator: &generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        let body = bn2(conv2(relu(bn1(conv1(input)))))
        return relu(body + (downsample.map { $0(input) } ?? input))
    }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        do {
            return try conv1.outputShape(forInput: shape)
        } catch {
            throw error.inside("conv1")
        }
    }

    public override var layerDescription: String {
        let c = configuration
        return "BasicBlock(\(c.inChannels) => \(c.outChannels)\(c.stride == 1 ? "" : ", stride: \(c.stride)"))"
    }
}
