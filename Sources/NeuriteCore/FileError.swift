/// A problem with something that came from outside the program — a data set, a checkpoint, a
/// model file: missing, malformed, truncated or inconsistent. It names the file, where in it (a
/// byte offset, a line and column, a tensor or field name), and what was expected
/// (Documentation/ErrorPolicy.md, tier 2). Layers name it for their domain (`DataError`,
/// `CheckpointError`).
public struct FileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (or data set, or model) concerned.
    public let file: String
    /// Where in it; nil for the file as a whole.
    public let location: String?
    /// What was wrong, as "expected …, found …" where possible.
    public let problem: String

    /// An error in `file`, at `location` (a line, a byte offset) where known.
    public init(file: String, location: String? = nil, _ problem: String) {
        self.file = file
        self.location = location
        self.problem = problem
    }

    /// One line: `file: location: problem`.
    public var description: String {
        [file, location, problem].compactMap { $0 }.joined(separator: ": ")
    }
}
