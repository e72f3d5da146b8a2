import Synchronization

/// The largest tensor that outside input (a model description, a command-line width, an input
/// shape) may ask for, and the arithmetic that checks a request against it before anything is
/// allocated. Code that builds tensors itself is not limited; this is for sizes that come from
/// files and users, where an `Int` product can overflow and a typo can ask for terabytes.
public enum SizeLimit {
    private static let limit = Atomic<Int>(1 << 31)

    /// The most elements one such tensor may have: 2³¹ (8 GiB of `Float`s) by default. A program
    /// that must stay in less memory (a service, a fuzzer) may lower it; later checks use it.
    public static var maximumElements: Int {
        get { limit.load(ordering: .relaxed) }
        set {
            precondition(newValue >= 1, "SizeLimit.maximumElements: \(newValue) is not a positive count")
            limit.store(newValue, ordering: .relaxed)
        }
    }

    /// The product of `lengths`, or nil when it overflows `Int` or a length is negative.
    public static func elementCount(_ lengths: [Int]) -> Int? {
        var count = 1
        for length in lengths {
            guard length >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: length)
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// nil when a tensor of `shape` is within the limit; otherwise why not, in words that name
    /// `what` and the memory it would need:
    /// `"a weight of [1000000000, 784] would need 2.9 TiB (the limit is 8 GiB per tensor)"`.
    public static func problem(allocating shape: [Int], for what: String) -> String? {
        guard let count = elementCount(shape) else {
            let bytes = shape.reduce(4.0) { $0 * Double($1) }
            return "\(what) of \(shape) would need \(formatBytes(bytes)), more than can be addressed"
        }
        guard count > maximumElements else { return nil }
        return
            "\(what) of \(shape) would need \(formatBytes(Double(count) * 4)) (the limit is \(formatBytes(Double(maximumElements) * 4)) per tensor)"
    }

    /// `bytes` in binary units with two significant figures: `2.9 TiB`.
    public static func formatBytes(_ bytes: Double) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = bytes, unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == units.count - 1 && value >= 1024 { return String(describing: bytes) + " bytes" }
        return unit == 0
            ? "\(Int(value)) bytes"
            : (value < 10 && (value * 10).rounded() != value.rounded() * 10 ? "\((value * 10).rounded() / 10)" : "\(Int(value.rounded()))")
                + " \(units[unit])"
    }
}
