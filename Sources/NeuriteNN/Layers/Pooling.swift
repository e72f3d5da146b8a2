import NeuriteCore

/// Max pooling over sequences `[N, C, L]` (PyTorch's `nn.MaxPool1d`).
public typealias MaxPool1D = MaxPool<OneAxis>
/// Max pooling over images `[N, C, H, W]` (PyTorch's `nn.MaxPool2d`).
public typealias MaxPool2D = MaxPool<TwoAxes>
/// Average pooling over sequences `[N, C, L]` (PyTorch's `nn.AvgPool1d`).
public typealias AvgPool1D = AvgPool<OneAxis>
/// Average pooling over images `[N, C, H, W]` (PyTorch's `nn.AvgPool2d`).
public typealias AvgPool2D = AvgPool<TwoAxes>
/// Average pooling of sequences to a fixed length (PyTorch's `nn.AdaptiveAvgPool1d`).
public typealias AdaptiveAvgPool1D = AdaptiveAvgPool<OneAxis>
/// Average pooling of images to a fixed size (PyTorch's `nn.AdaptiveAvgPool2d`; `outputSize: 1` is global average pooling).
public typealias AdaptiveAvgPool2D = AdaptiveAvgPool<TwoAxes>
/// Max pooling of sequences to a fixed length (PyTorch's `nn.AdaptiveMaxPool1d`).
public typealias AdaptiveMaxPool1D = AdaptiveMaxPool<OneAxis>
/// Max pooling of images to a fixed size (PyTorch's `nn.AdaptiveMaxPool2d`).
public typealias AdaptiveMaxPool2D = AdaptiveMaxPool<TwoAxes>

/// The output shape of a sliding pooling layer for `shape`, or an error naming the layer.
private func poolingOutputShape(
    _ layer: String, axes: Int, shape: [Int], kernel: [Int], stride: [Int], padding: [Int], dilation: [Int], ceilMode: Bool
) throws(LayerShapeError) -> [Int] {
    try LayerShapeError.require(
        shape.count == axes + 2, "\(layer) takes inputs \(axes == 1 ? "[N, C, L]" : "[N, C, H, W]"), got \(shape)")
    var output = Array(shape.prefix(2))
    for axis in 0..<axes {
        let length = shape[2 + axis]
        if let problem = Pool.problem(
            length: length, kernel: kernel[axis], stride: stride[axis], padding: padding[axis], dilation: dilation[axis], ceilMode: ceilMode)
        {
            throw LayerShapeError("\(layer): \(problem) (input \(shape))")
        }
        output.append(
            Pool.outputLength(
                length: length, kernel: kernel[axis], stride: stride[axis], padding: padding[axis], dilation: dilation[axis], ceilMode: ceilMode)
        )
    }
    return output
}

/// Checks a sliding window's settings: one value or one per axis, positive sizes, padding at most
/// half the window (PyTorch's limit).
private func validateWindow(kernel: AxisValues, stride: AxisValues?, padding: AxisValues, dilation: AxisValues, axes: Int)
    throws(LayerConfigurationError)
{
    try kernel.check("kernel", axes: axes, minimum: 1)
    try stride?.check("stride", axes: axes, minimum: 1)
    try padding.check("padding", axes: axes, minimum: 0)
    try dilation.check("dilation", axes: axes, minimum: 1)
    let windows = zip(kernel.expanded(to: axes), dilation.expanded(to: axes)).map { $0.1 * ($0.0 - 1) + 1 }
    try LayerConfigurationError.require(
        zip(padding.expanded(to: axes), windows).allSatisfy { $0.0 <= $0.1 / 2 },
        "padding \(padding) must be at most half the window \(windows)")
}

/// A pooling layer that can also run as the pooling of a ReLU's output (`Sequential` fuses the two).
protocol RectifiedPooling {
    /// The layer's output for `relu(input)`, computed from `input` in one pass.
    func rectifiedForward(_ input: Tensor) -> Tensor
}

extension MaxPool: RectifiedPooling {}

/// Max pooling (PyTorch's `nn.MaxPool1d/2d`): the largest value of each window; ties go to the
/// first in scan order and the gradient to the input that was largest. Defaults: stride = kernel,
/// no padding (padding is never the maximum), dilation 1, floor rounding of the output size.
public final class MaxPool<Axes: SpatialAxes>: Module, DescribableLayer {
    /// `{"kernel": 2}`, with `stride`, `padding`, `dilation` and `ceil_mode` as in PyTorch.
    public struct Configuration: LayerConfiguration {
        /// The window's size along each spatial axis.
        public var kernelSize: AxisValues
        /// The step between windows; nil takes the kernel size (PyTorch's default).
        public var stride: AxisValues?
        /// Implicit −∞ padding on both sides of each axis (at most half the kernel).
        public var padding: AxisValues
        /// The spacing between a window's elements.
        public var dilation: AxisValues
        /// Whether the output size rounds up, counting a partial last window (PyTorch's `ceil_mode`).
        public var ceilMode: Bool

        /// A configuration; the defaults are PyTorch's.
        public init(kernelSize: AxisValues, stride: AxisValues? = nil, padding: AxisValues = 0, dilation: AxisValues = 1, ceilMode: Bool = false) {
            self.kernelSize = kernelSize
            self.stride = stride
            self.padding = padding
            self.dilation = dilation
            self.ceilMode = ceilMode
        }

        public func validate() throws(LayerConfigurationError) {
            try validateWindow(kernel: kernelSize, stride: stride, padding: padding, dilation: dilation, axes: Axes.count)
        }

        private enum CodingKeys: String, CodingKey {
            case kernelSize = "kernel"
            case stride, padding, dilation
            case ceilMode = "ceil_mode"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kernelSize = try container.decode(AxisValues.self, forKey: .kernelSize)
            stride = try container.decodeIfPresent(AxisValues.self, forKey: .stride)
            padding = try container.decode(.padding, default: 0)
            dilation = try container.decode(.dilation, default: 1)
            ceilMode = try container.decode(.ceilMode, default: false)
        }
    }

    public static var layerType: String { "MaxPool\(Axes.count)D" }
    public let configuration: Configuration
    /// The resolved settings, one value per spatial axis.
    public let kernelSize: [Int], stride: [Int], padding: [Int], dilation: [Int]

    /// A layer with PyTorch's `MaxPool1d/2d` settings; `stride` defaults to the kernel size.
    public init(kernelSize: AxisValues, stride: AxisValues? = nil, padding: AxisValues = 0, dilation: AxisValues = 1, ceilMode: Bool = false) {
        configuration = Configuration(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
            .validated(for: Self.layerType)
        self.kernelSize = kernelSize.expanded(to: Axes.count)
        self.stride = (stride ?? kernelSize).expanded(to: Axes.count)
        self.padding = padding.expanded(to: Axes.count)
        self.dilation = dilation.expanded(to: Axes.count)
        super.init()
    }

    public convenience init(configuration c: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(kernelSize: c.kernelSize, stride: c.stride, padding: c.padding, dilation: c.dilation, ceilMode: c.ceilMode)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        maxPool(input, kernel: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: configuration.ceilMode)
    }

    func rectifiedForward(_ input: Tensor) -> Tensor {
        rectifiedMaxPool(input, kernel: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: configuration.ceilMode)
    }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        try poolingOutputShape(
            layerDescription, axes: Axes.count, shape: shape, kernel: kernelSize, stride: stride, padding: padding, dilation: dilation,
            ceilMode: configuration.ceilMode)
    }

    public override var layerDescription: String {
        let c = configuration
        var parts = ["kernelSize: \(c.kernelSize)"]
        if let stride = c.stride, stride != c.kernelSize { parts.append("stride: \(stride)") }
        if padding.contains(where: { $0 != 0 }) { parts.append("padding: \(c.padding)") }
        if dilation.contains(where: { $0 != 1 }) { parts.append("dilation: \(c.dilation)") }
        if c.ceilMode { parts.append("ceilMode: true") }
        return "\(Self.layerType)(\(parts.joined(separator: ", ")))"
    }
}

/// Average pooling (PyTorch's `nn.AvgPool1d/2d`): each window's mean. Defaults: stride = kernel,
/// no padding, floor rounding, padding counted in the divisor (`countIncludePad`), no divisor
/// override.
public final class AvgPool<Axes: SpatialAxes>: Module, DescribableLayer {
    /// `{"kernel": 2}`, with `stride`, `padding`, `ceil_mode`, `count_include_pad` and
    /// `divisor_override` as in PyTorch.
    public struct Configuration: LayerConfiguration {
        /// The window's size along each spatial axis.
        public var kernelSize: AxisValues
        /// The step between windows; nil takes the kernel size (PyTorch's default).
        public var stride: AxisValues?
        /// Implicit zero padding on both sides of each axis (at most half the kernel).
        public var padding: AxisValues
        /// Whether the output size rounds up, counting a partial last window (PyTorch's `ceil_mode`).
        public var ceilMode: Bool
        /// Whether padded zeros count in the divisor (PyTorch's `count_include_pad`, true by default).
        public var countIncludePad: Bool
        /// A divisor used instead of the window's size, if given.
        public var divisorOverride: Int?

        /// A configuration; the defaults are PyTorch's.
        public init(
            kernelSize: AxisValues, stride: AxisValues? = nil, padding: AxisValues = 0, ceilMode: Bool = false, countIncludePad: Bool = true,
            divisorOverride: Int? = nil
        ) {
            self.kernelSize = kernelSize
            self.stride = stride
            self.padding = padding
            self.ceilMode = ceilMode
            self.countIncludePad = countIncludePad
            self.divisorOverride = divisorOverride
        }

        public func validate() throws(LayerConfigurationError) {
            try validateWindow(kernel: kernelSize, stride: stride, padding: padding, dilation: 1, axes: Axes.count)
            if let divisorOverride {
                try LayerConfigurationError.require(divisorOverride > 0, "divisor_override must be positive, got \(divisorOverride)")
            }
        }

        private enum CodingKeys: String, CodingKey {
            case kernelSize = "kernel"
            case stride, padding
            case ceilMode = "ceil_mode"
            case countIncludePad = "count_include_pad"
            case divisorOverride = "divisor_override"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kernelSize = try container.decode(AxisValues.self, forKey: .kernelSize)
            stride = try container.decodeIfPresent(AxisValues.self, forKey: .stride)
            padding = try container.decode(.padding, default: 0)
            ceilMode = try container.decode(.ceilMode, default: false)
            countIncludePad = try container.decode(.countIncludePad, default: true)
            divisorOverride = try container.decodeIfPresent(Int.self, forKey: .divisorOverride)
        }
    }

    public static var layerType: String { "AvgPool\(Axes.count)D" }
    public let configuration: Configuration
    /// The resolved settings, one value per spatial axis.
    public let kernelSize: [Int], stride: [Int], padding: [Int]

    /// A layer with PyTorch's `AvgPool1d/2d` settings; `stride` defaults to the kernel size.
    public init(
        kernelSize: AxisValues, stride: AxisValues? = nil, padding: AxisValues = 0, ceilMode: Bool = false, countIncludePad: Bool = true,
        divisorOverride: Int? = nil
    ) {
        configuration = Configuration(
            kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad,
            divisorOverride: divisorOverride
        ).validated(for: Self.layerType)
        self.kernelSize = kernelSize.expanded(to: Axes.count)
        self.stride = (stride ?? kernelSize).expanded(to: Axes.count)
        self.padding = padding.expanded(to: Axes.count)
        super.init()
    }

    public convenience init(configuration c: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(
            kernelSize: c.kernelSize, stride: c.stride, padding: c.padding, ceilMode: c.ceilMode, countIncludePad: c.countIncludePad,
            divisorOverride: c.divisorOverride)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        let c = configuration
        return averagePool(
            input, kernel: kernelSize, stride: stride, padding: padding, ceilMode: c.ceilMode, countIncludePad: c.countIncludePad,
            divisorOverride: c.divisorOverride)
    }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        try poolingOutputShape(
            layerDescription, axes: Axes.count, shape: shape, kernel: kernelSize, stride: stride, padding: padding,
            dilation: Array(repeating: 1, count: Axes.count), ceilMode: configuration.ceilMode)
    }

    public override var layerDescription: String {
        let c = configuration
        var parts = ["kernelSize: \(c.kernelSize)"]
        if let stride = c.stride, stride != c.kernelSize { parts.append("stride: \(stride)") }
        if padding.contains(where: { $0 != 0 }) { parts.append("padding: \(c.padding)") }
        if c.ceilMode { parts.append("ceilMode: true") }
        if !c.countIncludePad { parts.append("countIncludePad: false") }
        if let divisor = c.divisorOverride { parts.append("divisorOverride: \(divisor)") }
        return "\(Self.layerType)(\(parts.joined(separator: ", ")))"
    }
}

/// The output size of an adaptive pooling layer (`{"output_size": [2, 3]}`; `1` is global pooling).
public struct AdaptivePoolConfiguration<Axes: SpatialAxes>: LayerConfiguration {
    /// The output's size along each spatial axis.
    public var outputSize: AxisValues

    /// Pooling to `outputSize` along each spatial axis.
    public init(outputSize: AxisValues) { self.outputSize = outputSize }

    public func validate() throws(LayerConfigurationError) { try outputSize.check("output_size", axes: Axes.count, minimum: 1) }

    private enum CodingKeys: String, CodingKey { case outputSize = "output_size" }
}

/// Adaptive average pooling (PyTorch's `nn.AdaptiveAvgPool1d/2d`): windows chosen to give exactly
/// `outputSize`; output `o` of `O` averages `⌊o·L/O⌋ ..< ⌈(o + 1)·L/O⌉`. `outputSize: 1` is global
/// average pooling (Keras's `GlobalAveragePooling2D`, keeping the two axes of length 1).
public final class AdaptiveAvgPool<Axes: SpatialAxes>: Module, DescribableLayer {
    public static var layerType: String { "AdaptiveAvgPool\(Axes.count)D" }
    public let configuration: AdaptivePoolConfiguration<Axes>
    /// The output's size along each spatial axis.
    public var outputSize: [Int] { configuration.outputSize.expanded(to: Axes.count) }

    /// A layer pooling to `outputSize` (one number for every axis or one per axis), as PyTorch's adaptive average pooling.
    public init(outputSize: AxisValues) {
        configuration = AdaptivePoolConfiguration(outputSize: outputSize).validated(for: Self.layerType)
        super.init()
    }

    public convenience init(configuration: AdaptivePoolConfiguration<Axes>, children: [Module], generator: inout PhiloxGenerator) {
        self.init(outputSize: configuration.outputSize)
    }

    public override func forward(_ input: Tensor) -> Tensor { adaptiveAveragePool(input, outputSize: outputSize) }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        try LayerShapeError.require(shape.count == Axes.count + 2, "\(layerDescription) takes inputs of rank \(Axes.count + 2), got \(shape)")
        return Array(shape.prefix(2)) + outputSize
    }

    public override var layerDescription: String { "\(Self.layerType)(outputSize: \(configuration.outputSize))" }
}

/// Adaptive max pooling (PyTorch's `nn.AdaptiveMaxPool1d/2d`): the windows of `AdaptiveAvgPool`,
/// with `MaxPool`'s rules for ties and gradients.
public final class AdaptiveMaxPool<Axes: SpatialAxes>: Module, DescribableLayer {
    public static var layerType: String { "AdaptiveMaxPool\(Axes.count)D" }
    public let configuration: AdaptivePoolConfiguration<Axes>
    /// The output's size along each spatial axis.
    public var outputSize: [Int] { configuration.outputSize.expanded(to: Axes.count) }

    /// A layer pooling to `outputSize` (one number for every axis or one per axis), as PyTorch's adaptive max pooling.
    public init(outputSize: AxisValues) {
        configuration = AdaptivePoolConfiguration(outputSize: outputSize).validated(for: Self.layerType)
        super.init()
    }

    public convenience init(configuration: AdaptivePoolConfiguration<Axes>, children: [Module], generator: inout PhiloxGenerator) {
        self.init(outputSize: configuration.outputSize)
    }

    public override func forward(_ input: Tensor) -> Tensor { adaptiveMaxPool(input, outputSize: outputSize) }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        try LayerShapeError.require(shape.count == Axes.count + 2, "\(layerDescription) takes inputs of rank \(Axes.count + 2), got \(shape)")
        return Array(shape.prefix(2)) + outputSize
    }

    public override var layerDescription: String { "\(Self.layerType)(outputSize: \(configuration.outputSize))" }
}
