/// A mistake in what the user asked for or gave the tool (a data set that does not fit the
/// model, an index out of range, a file that cannot be written): one line for standard error.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
