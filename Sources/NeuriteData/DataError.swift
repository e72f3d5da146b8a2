import NeuriteCore

/// A data file or data set that is missing, malformed, truncated or inconsistent: names the file,
/// the byte offset or line, and what was expected.
public typealias DataError = FileError
