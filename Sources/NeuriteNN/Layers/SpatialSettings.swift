import NeuriteCore

/// How many spatial axes a convolution or pooling layer works over: the `1` of `Conv1D`, the
/// `2` of `Conv2D`.
public protocol SpatialAxes: Sendable {
    /// The number of spatial axes.
    static var count: Int { get }
}

/// One spatial axis: sequences `[N, C, L]`.
public enum OneAxis: SpatialAxes { public static var count: Int { 1 } }
/// Two spatial axes: images `[N, C, H, W]`.
public enum TwoAxes: SpatialAxes { public static var count: Int { 2 } }

/// A setting with one value per spatial axis, written as PyTorch writes it: one number for every
/// axis (`3`) or one per axis (`[3, 2]`), in code and in model descriptions alike.
public struct AxisValues: Codable, Equatable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral,
    CustomStringConvertible
{
    /// One value per spatial axis (one value for every axis when it has one element).
    public var values: [Int]

    /// The given values.
    public init(_ values: [Int]) { self.values = values }
    public init(integerLiteral value: Int) { values = [value] }
    public init(arrayLiteral elements: Int...) { values = elements }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let single = try? container.decode(Int.self) {
            values = [single]
        } else {
            values = try container.decode([Int].self)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if values.count == 1 { try container.encode(values[0]) } else { try container.encode(values) }
    }

    /// One value per axis for `axes` axes: a single value repeated, or the list as it is.
    public func expanded(to axes: Int) -> [Int] { values.count == 1 ? Array(repeating: values[0], count: axes) : values }

    /// Throws unless there is one value or one per axis, each at least `minimum`.
    func check(_ name: String, axes: Int, minimum: Int) throws(LayerConfigurationError) {
        try LayerConfigurationError.require(
            values.count == 1 || values.count == axes, "\(name) needs 1 or \(axes) values, got \(values.count) (\(self))")
        try LayerConfigurationError.require(
            values.allSatisfy { $0 >= minimum }, "\(name) must be \(minimum == 0 ? "non-negative" : "at least \(minimum)"), got \(self)")
    }

    public var description: String { values.count == 1 ? "\(values[0])" : "\(values)" }
}

/// The zeros a convolution adds around its input, as PyTorch takes them: a number per axis
/// (both sides), `same` (the output as long as the input; stride 1 only; an even kernel gets the
/// extra element after), or `valid` (none).
public enum ConvolutionPadding: Codable, Equatable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral,
    CustomStringConvertible
{
    /// A number of elements per axis.
    case explicit(AxisValues)
    /// Output as long as the input (stride 1 only), padding split as PyTorch splits it.
    case same
    /// No padding.
    case valid

    public init(integerLiteral value: Int) { self = .explicit(AxisValues(integerLiteral: value)) }
    public init(arrayLiteral elements: Int...) { self = .explicit(AxisValues(elements)) }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let word = try? container.decode(String.self) {
            switch word {
            case "same": self = .same
            case "valid": self = .valid
            default:
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "padding must be a number, a list, \"same\" or \"valid\", got \"\(word)\"")
            }
        } else {
            self = .explicit(try container.decode(AxisValues.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .explicit(let values): try container.encode(values)
        case .same: try container.encode("same")
        case .valid: try container.encode("valid")
        }
    }

    /// `(before, after)` per axis for `kernel` and `dilation`. `same` pads `d·(k − 1)` in all,
    /// the smaller half before (PyTorch's rule).
    public func widths(kernel: [Int], dilation: [Int]) -> [(before: Int, after: Int)] {
        switch self {
        case .explicit(let values): return values.expanded(to: kernel.count).map { ($0, $0) }
        case .valid: return kernel.map { _ in (0, 0) }
        case .same:
            return zip(kernel, dilation).map { k, d in
                let total = d * (k - 1)
                return (total / 2, total - total / 2)
            }
        }
    }

    public var description: String {
        switch self {
        case .explicit(let values): values.description
        case .same: "same"
        case .valid: "valid"
        }
    }
}

/// What a convolution reads outside its input (PyTorch's `padding_mode`).
public enum ConvolutionPaddingMode: String, Codable, Equatable, Sendable, CaseIterable {
    /// What padding holds: zeros, the input reflected (without the edge), replicated (the edge repeated) or wrapped around.
    case zeros, reflect, replicate, circular

    var paddingMode: PaddingMode {
        switch self {
        case .zeros: .zeros
        case .reflect: .reflect
        case .replicate: .replicate
        case .circular: .circular
        }
    }
}
