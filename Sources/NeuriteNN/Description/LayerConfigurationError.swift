import NeuriteCore

/// A layer configuration that cannot make a layer: a value out of range, missing or of the wrong
/// type, or children that do not fit. The message names the field: `'out' must be positive`.
public struct LayerConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What is wrong, naming the setting and its value.
    public let message: String
    /// An error saying `message`.
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// Throws `message` unless `condition` holds.
    public static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(LayerConfigurationError) {
        if !condition { throw LayerConfigurationError(message()) }
    }

    /// Throws unless a tensor of `shape` is within `SizeLimit` (so that a description cannot ask
    /// for terabytes, or for a size whose product overflows `Int`).
    public static func requireAllocatable(_ shape: [Int], for what: String) throws(LayerConfigurationError) {
        if let problem = SizeLimit.problem(allocating: shape, for: what) { throw LayerConfigurationError(problem) }
    }

    /// A decoding failure in the words of the configuration's fields.
    init(_ error: DecodingError) {
        func field(_ path: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            "'" + (path + (key.map { [$0] } ?? [])).map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") + "'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init("\(field(context.codingPath, key)) is missing")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            self.init("\(field(context.codingPath)) must be \(Self.kind(of: type))")
        case .dataCorrupted(let context):
            self.init(context.codingPath.isEmpty ? context.debugDescription : "\(field(context.codingPath)): \(context.debugDescription)")
        @unknown default:
            self.init("\(error)")
        }
    }

    private static func kind(of type: Any.Type) -> String {
        switch type {
        case is Bool.Type: "true or false"
        case is Int.Type: "an integer"
        case is Float.Type, is Double.Type: "a number"
        case is String.Type: "a string"
        case is [Int].Type: "a list of integers"
        default: "a \(type)"
        }
    }
}
