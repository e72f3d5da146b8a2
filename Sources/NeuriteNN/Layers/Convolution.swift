import NeuriteCore

/// `Conv1D`: a convolution over sequences `[N, C, L]` (PyTorch's `nn.Conv1d`).
public typealias Conv1D = Convolution<OneAxis>
/// `Conv2D`: a convolution over images `[N, C, H, W]` (PyTorch's `nn.Conv2d`).
public typealias Conv2D = Convolution<TwoAxes>

/// A convolution layer (cross-correlation, as in every deep-learning library) over one or two
/// spatial axes: `[N, inChannels, …] → [N, outChannels, …]`, computed by `convolution(_:weight:…)`.
///
/// `weight` is `[out, in/groups, k…]` and `bias` `[out]`, PyTorch's layouts and state-dict keys.
/// Defaults are PyTorch's: stride 1, no padding, dilation 1, one group, a bias, zero padding;
/// weight from Kaiming-uniform with `a = √5` and bias from U(−1/√fanIn, 1/√fanIn), where
/// `fanIn = in/groups · k₁·k₂`. `groups == inChannels` makes a depthwise convolution.
/// Output lengths: `⌊(L + 2p − d·(k − 1) − 1) / s⌋ + 1`.
public final class Convolution<Axes: SpatialAxes>: Module, DescribableLayer {
    /// The layer's settings (`{"in": 1, "out": 32, "kernel": 3, "padding": 1}`; `stride`,
    /// `padding`, `dilation` take one number or one per axis, `padding` also `"same"`/`"valid"`;
    /// `groups`, `bias` and `padding_mode` as in PyTorch).
    public struct Configuration: LayerConfiguration {
        /// Input channels (PyTorch's `in_channels`).
        public var inChannels: Int
        /// Output channels: the number of filters.
        public var outChannels: Int
        /// The filter's size along each spatial axis.
        public var kernelSize: AxisValues
        /// The step between filter positions (1).
        public var stride: AxisValues
        /// Implicit padding: a number per axis, `.same` or `.valid` (0).
        public var padding: ConvolutionPadding
        /// The spacing between a filter's elements (1).
        public var dilation: AxisValues
        /// Channel groups (1): each output channel sees `inChannels / groups` input channels; `groups == inChannels` is depthwise.
        public var groups: Int
        /// Whether the layer adds a bias (true).
        public var bias: Bool
        /// What the padding holds: zeros (the default), or the input reflected, replicated or wrapped.
        public var paddingMode: ConvolutionPaddingMode

        /// A configuration; the defaults are PyTorch's.
        public init(
            inChannels: Int, outChannels: Int, kernelSize: AxisValues, stride: AxisValues = 1, padding: ConvolutionPadding = 0,
            dilation: AxisValues = 1, groups: Int = 1, bias: Bool = true, paddingMode: ConvolutionPaddingMode = .zeros
        ) {
            self.inChannels = inChannels
            self.outChannels = outChannels
            self.kernelSize = kernelSize
            self.stride = stride
            self.padding = padding
            self.dilation = dilation
            self.groups = groups
            self.bias = bias
            self.paddingMode = paddingMode
        }

        public func validate() throws(LayerConfigurationError) {
            try LayerConfigurationError.require(
                inChannels > 0 && outChannels > 0, "channel counts must be positive, got \(inChannels) => \(outChannels)")
            try LayerConfigurationError.require(
                groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
                "\(inChannels) input and \(outChannels) output channels must both divide into \(groups) groups")
            try kernelSize.check("kernel", axes: Axes.count, minimum: 1)
            try stride.check("stride", axes: Axes.count, minimum: 1)
            try dilation.check("dilation", axes: Axes.count, minimum: 1)
            if case .explicit(let values) = padding { try values.check("padding", axes: Axes.count, minimum: 0) }
            if padding == .same {
                try LayerConfigurationError.require(
                    stride.values.allSatisfy { $0 == 1 }, "padding \"same\" needs stride 1, got stride \(stride)")
            }
            let kernel = kernelSize.expanded(to: Axes.count)
            try LayerConfigurationError.requireAllocatable([outChannels, inChannels / groups] + kernel, for: "a weight")
        }

        private enum CodingKeys: String, CodingKey {
            case inChannels = "in"
            case outChannels = "out"
            case kernelSize = "kernel"
            case stride, padding, dilation, groups, bias
            case paddingMode = "padding_mode"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            inChannels = try container.decode(Int.self, forKey: .inChannels)
            outChannels = try container.decode(Int.self, forKey: .outChannels)
            kernelSize = try container.decode(AxisValues.self, forKey: .kernelSize)
            stride = try container.decode(.stride, default: 1)
            padding = try container.decode(.padding, default: 0)
            dilation = try container.decode(.dilation, default: 1)
            groups = try container.decode(.groups, default: 1)
            bias = try container.decode(.bias, default: true)
            paddingMode = try container.decode(.paddingMode, default: .zeros)
        }
    }

    public static var layerType: String { "Conv\(Axes.count)D" }

    public let configuration: Configuration
    /// The filters `[out, in / groups, kernel…]`, PyTorch's layout.
    public let weight: Parameter
    /// One bias per output channel, unless made without.
    public let bias: Parameter?
    /// Input channels.
    public var inChannels: Int { configuration.inChannels }
    /// Output channels.
    public var outChannels: Int { configuration.outChannels }
    /// Channel groups.
    public var groups: Int { configuration.groups }
    /// One value per spatial axis.
    public let kernelSize: [Int], stride: [Int], dilation: [Int]
    /// Elements added before and after each spatial axis.
    public let padding: [(before: Int, after: Int)]

    /// A layer with weights from `initializer` (PyTorch's default when nil) and a bias unless
    /// `bias` is false, drawn from `generator`.
    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: AxisValues, stride: AxisValues = 1, padding: ConvolutionPadding = 0,
        dilation: AxisValues = 1, groups: Int = 1, bias: Bool = true, paddingMode: ConvolutionPaddingMode = .zeros,
        initializer: Initializer? = nil, generator: inout PhiloxGenerator
    ) {
        configuration = Configuration(
            inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
            dilation: dilation, groups: groups, bias: bias, paddingMode: paddingMode
        ).validated(for: Self.layerType)
        self.kernelSize = kernelSize.expanded(to: Axes.count)
        self.stride = stride.expanded(to: Axes.count)
        self.dilation = dilation.expanded(to: Axes.count)
        self.padding = padding.widths(kernel: self.kernelSize, dilation: self.dilation)
        let shape = [outChannels, inChannels / groups] + self.kernelSize
        weight = Parameter((initializer ?? .kaimingUniform(a: Float(5).squareRoot())).make(shape, generator: &generator))
        let bound = 1 / Float(Initializer.fans(of: shape).fanIn).squareRoot()
        self.bias = bias ? Parameter(Tensor.uniform([outChannels], low: -bound, high: bound, generator: &generator)) : nil
        super.init()
    }

    /// A layer drawn from the default generator (see `DefaultGenerator`).
    public convenience init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: AxisValues, stride: AxisValues = 1, padding: ConvolutionPadding = 0,
        dilation: AxisValues = 1, groups: Int = 1, bias: Bool = true, paddingMode: ConvolutionPaddingMode = .zeros,
        initializer: Initializer? = nil
    ) {
        var generator = DefaultGenerator.makeGenerator()
        self.init(
            inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, groups: groups,
            bias: bias, paddingMode: paddingMode, initializer: initializer, generator: &generator)
    }

    public convenience init(configuration c: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(
            c.inChannels, c.outChannels, kernelSize: c.kernelSize, stride: c.stride, padding: c.padding, dilation: c.dilation,
            groups: c.groups, bias: c.bias, paddingMode: c.paddingMode, generator: &generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        precondition(
            input.rank == Axes.count + 2 && input.shape[1] == inChannels,
            "\(layerDescription): input of shape \(input.shape) is not [N, \(inChannels)\(Axes.count == 1 ? ", L" : ", H, W")]")
        if configuration.paddingMode == .zeros {
            return convolution(
                input, weight: weight.value, bias: bias?.value, strides: stride, padding: padding, dilation: dilation, groups: groups)
        }
        // Other modes pad first; the convolution then reads no zeros.
        let padded = input.padded(padding, mode: configuration.paddingMode.paddingMode)
        return convolution(padded, weight: weight.value, bias: bias?.value, strides: stride, dilation: dilation, groups: groups)
    }

    /// `pool`'s output for `relu(self(input))` as one operation (`convolutionRectifiedMaxPool`),
    /// for `Sequential`; padding modes other than zeros pad first, as `forward` does.
    func forwardRectifiedMaxPool(_ input: Tensor, _ pool: MaxPool<Axes>) -> Tensor {
        precondition(
            input.rank == Axes.count + 2 && input.shape[1] == inChannels,
            "\(layerDescription): input of shape \(input.shape) is not [N, \(inChannels)\(Axes.count == 1 ? ", L" : ", H, W")]")
        let zeros = configuration.paddingMode == .zeros
        return convolutionRectifiedMaxPool(
            zeros ? input : input.padded(padding, mode: configuration.paddingMode.paddingMode), weight: weight.value,
            bias: bias?.value, strides: stride, padding: zeros ? padding : nil, dilation: dilation, groups: groups,
            poolKernel: pool.kernelSize, poolStride: pool.stride, poolPadding: pool.padding, poolDilation: pool.dilation,
            ceilMode: pool.configuration.ceilMode)
    }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        try LayerShapeError.require(
            shape.count == Axes.count + 2 && shape[1] == inChannels,
            "\(layerDescription) takes inputs [N, \(inChannels)\(Axes.count == 1 ? ", L" : ", H, W")], got \(shape)")
        var output = [shape[0], outChannels]
        for axis in 0..<Axes.count {
            // Reflect, replicate and circular padding read the input, so its length bounds them.
            if configuration.paddingMode != .zeros,
                let problem = configuration.paddingMode.paddingMode.problem(
                    before: padding[axis].before, after: padding[axis].after, length: shape[axis + 2])
            {
                throw LayerShapeError("\(layerDescription): \(problem) (input \(shape))")
            }
            let length = shape[axis + 2] + padding[axis].before + padding[axis].after
            let span = dilation[axis] * (kernelSize[axis] - 1) + 1
            try LayerShapeError.require(
                length >= span, "\(layerDescription): the kernel spans \(span) but the padded input is \(length) long (input \(shape))")
            output.append((length - span) / stride[axis] + 1)
        }
        // Grouped convolutions unfold the whole batch: [in · k…, N · positions] floats. Ungrouped
        // ones unfold a sample at a time, so for them this bound is conservative; it is kept for
        // every convolution so that what a model file may ask for does not depend on the path.
        let unfolded = [inChannels * kernelSize.reduce(1, *)] + [shape[0]] + output.dropFirst(2)
        if let problem = SizeLimit.problem(allocating: unfolded, for: "its unfolded input") {
            throw LayerShapeError("\(layerDescription): \(problem)")
        }
        return output
    }

    public override var layerDescription: String {
        let c = configuration
        var parts = ["\(inChannels) => \(outChannels)", "kernelSize: \(c.kernelSize)"]
        if stride.contains(where: { $0 != 1 }) { parts.append("stride: \(c.stride)") }
        if c.padding == .same || padding.contains(where: { $0.before != 0 || $0.after != 0 }) { parts.append("padding: \(c.padding)") }
        if dilation.contains(where: { $0 != 1 }) { parts.append("dilation: \(c.dilation)") }
        if groups != 1 { parts.append("groups: \(groups)") }
        if bias == nil { parts.append("bias: false") }
        if c.paddingMode != .zeros { parts.append("paddingMode: .\(c.paddingMode)") }
        return "\(Self.layerType)(\(parts.joined(separator: ", ")))"
    }
}
