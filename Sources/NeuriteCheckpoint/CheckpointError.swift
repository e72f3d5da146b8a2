/// A checkpoint, weights or model file that is missing, malformed or does not fit: it names the
/// file, where in it (a byte offset or a tensor name), and what was expected.
public struct CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let location: String?
    public let problem: String

    public init(file: String, location: String? = nil, _ problem: String) {
        self.file = file
        self.location = location
        self.problem = problem
    }

    /// One line: `file: location: problem`.
    public var description: String { [file, location, problem].compactMap { $0 }.joined(separator: ": ") }
}
