/// A problem with data that came from outside: a file that is missing, malformed, truncated or
/// inconsistent. It names the file, where in it (byte offset or line), and what was expected.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (or data set) concerned.
    public let file: String
    /// Where in it: `"byte 16"`, `"line 3, column 5"`; nil for the file as a whole.
    public let location: String?
    /// What was wrong, as "expected …, found …" where possible.
    public let problem: String

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
