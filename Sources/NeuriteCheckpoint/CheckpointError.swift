import NeuriteCore

/// A checkpoint, weights or model file that is missing, malformed or does not fit: names the
/// file, where in it (a byte offset or a tensor name), and what was expected.
public typealias CheckpointError = FileError
