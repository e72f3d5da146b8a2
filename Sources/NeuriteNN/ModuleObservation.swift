import NeuriteCore

/// Watches the modules that run during a forward pass: each call of a module reports its input
/// and output to the observation in effect (a task-local value), which is how `summary` learns
/// output shapes, and how activations can be captured without changing a model.
public final class ModuleObservation: @unchecked Sendable {
    @TaskLocal static var current: ModuleObservation?

    /// One module call.
    public struct Record {
        public let module: Module
        public let inputShape: [Int]
        public let output: Tensor
    }

    /// The calls seen so far, in the order they finished (children before their parents).
    public private(set) var records: [Record] = []

    public init() {}

    func record(_ module: Module, input: Tensor, output: Tensor) {
        records.append(Record(module: module, inputShape: input.shape, output: output))
    }

    /// Runs `body` with this observation recording every module call on this task or thread.
    public func observe<Result>(_ body: () throws -> Result) rethrows -> Result {
        try ModuleObservation.$current.withValue(self) { try body() }
    }
}
