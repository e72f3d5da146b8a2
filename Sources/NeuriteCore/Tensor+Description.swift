// Printing, in the spirit of PyTorch: nested brackets, four decimals (or scientific notation when
// the magnitudes call for it), and only the first and last three entries of each axis once a
// tensor has more than 1,000 elements.

extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// `Tensor([2, 3], [[1.0000, 2.0000, 3.0000], [4.0000, 5.0000, 6.0000]])`, laid out on several
    /// lines for matrices and higher ranks, with `requiresGradient` noted.
    public var description: String {
        let prefix = "Tensor(\(shape), "
        let body = TensorFormatter(self).format(indent: String(repeating: " ", count: prefix.count + 1))
        return prefix + body + (requiresGradient ? ", requiresGradient)" : ")")
    }

    public var debugDescription: String { description }
}

/// Formats the values of a tensor as nested, aligned, possibly truncated lists.
struct TensorFormatter {
    static let summarizeAbove = 1000
    static let edgeItems = 3

    let shape: [Int]
    let values: [Float]
    let summarize: Bool
    let scientific: Bool
    /// Every entry is padded to this width, so columns align across the whole tensor.
    private(set) var width = 0

    init(_ tensor: Tensor) {
        shape = tensor.shape
        values = tensor.scalars
        summarize = values.count > Self.summarizeAbove
        var largest: Float = 0, smallest: Float = .infinity
        var extremes: [Float] = []
        for value in values {
            if value.isFinite {
                largest = Swift.max(largest, Swift.abs(value))
                if value != 0 { smallest = Swift.min(smallest, Swift.abs(value)) }
            } else if extremes.count < 3 && !extremes.contains(where: { $0 == value || ($0.isNaN && value.isNaN) }) {
                extremes.append(value)
            }
        }
        scientific = largest >= 1e8 || smallest < 1e-4 || (largest / smallest > 1000 && largest >= 1e4)
        // The widest entry is a non-finite one or the largest magnitude, with a sign if any
        // finite value is negative.
        let hasFiniteNegative = values.contains { $0 < 0 && $0.isFinite }
        let candidates = extremes + [hasFiniteNegative ? -largest : largest]
        width = candidates.map { formatScalar($0).count }.max() ?? 0
    }

    func format(indent: String) -> String {
        if shape.isEmpty { return formatScalar(values[0]) }
        return formatAxis(0, offset: 0, indent: indent)
    }

    func formatScalar(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if scientific { return formatScientific(value) }
        return formatFixed(value)
    }

    /// `value` with four decimals, rounded half away from zero in `Double`.
    func formatFixed(_ value: Float) -> String {
        let scaled = (Double(value) * 10_000).rounded()
        let negative = scaled < 0 || (scaled == 0 && value.sign == .minus && value != 0)
        let magnitude = Swift.abs(scaled)
        let whole = Int(magnitude / 10_000)
        let fraction = Int(magnitude.truncatingRemainder(dividingBy: 10_000))
        let digits = String(fraction)
        return (negative ? "-" : "") + "\(whole)." + String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// `value` as `d.dddde±XX`.
    func formatScientific(_ value: Float) -> String {
        if value == 0 { return "0.0000e+00" }
        var exponent = Int(Double(Swift.abs(value)).log10Floor)
        var mantissa = Double(value) / pow10(exponent)
        if Swift.abs((mantissa * 10_000).rounded()) >= 100_000 {
            exponent += 1
            mantissa = Double(value) / pow10(exponent)
        }
        let sign = exponent < 0 ? "-" : "+"
        let exponentDigits = String(Swift.abs(exponent))
        return formatFixed(Float(mantissa)) + "e" + sign + (exponentDigits.count < 2 ? "0" : "") + exponentDigits
    }

    private func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<Swift.abs(exponent) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }

    /// The entries of `axis` at `offset`, as a bracketed list; inner lists go on their own lines.
    func formatAxis(_ axis: Int, offset: Int, indent: String) -> String {
        let length = shape[axis]
        let stride = shape[(axis + 1)...].reduce(1, *)
        let shown: [Int?] =
            summarize && length > 2 * Self.edgeItems
            ? Array(0..<Self.edgeItems).map { $0 } + [nil] + Array(length - Self.edgeItems..<length).map { $0 }
            : Array(0..<length).map { $0 }
        let isInnermost = axis == shape.count - 1
        let items: [String] = shown.map { index in
            guard let index else { return "..." }
            if isInnermost {
                let text = formatScalar(values[offset + index])
                return String(repeating: " ", count: Swift.max(0, width - text.count)) + text
            }
            return formatAxis(axis + 1, offset: offset + index * stride, indent: indent + " ")
        }
        if isInnermost { return "[" + items.joined(separator: ", ") + "]" }
        let separator = "," + String(repeating: "\n", count: shape.count - axis - 1) + indent
        return "[" + items.joined(separator: separator) + "]"
    }
}

extension Double {
    /// ⌊log₁₀ x⌋ for positive finite x, by repeated scaling (exact for powers of ten).
    fileprivate var log10Floor: Double {
        var x = self, exponent = 0.0
        while x >= 10 {
            x /= 10
            exponent += 1
        }
        while x < 1 {
            x *= 10
            exponent -= 1
        }
        return exponent
    }
}
