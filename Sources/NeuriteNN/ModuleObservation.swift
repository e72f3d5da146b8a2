import NeuriteCore

/// Watches the modules that run during a forward pass: each call of a module reports its input
/// and output to the observation in effect (a task-local value), which is how `summary` learns
/// output shapes, and how activations can be captured without changing a model.
public final class ModuleObservation: @unchecked Sendable {
    @TaskLocal static var current: ModuleObservation?

    /// One module call.
    public struct Record {
        /// The module that ran.
        public let module: Module
        /// The shape of its input.
        public let inputShape: [Int]
        /// Its output.
        public let output: Tensor
    }

    /// The calls seen so far, in the order they finished (children before their parents).
    public private(set) var records: [Record] = []

    /// Called with each module and its output; what it returns becomes the output the rest of
    /// the model sees. Grad-CAM swaps a layer's output for a leaf that requires gradients, to get
    /// the gradient with respect to that output. Nil: outputs pass unchanged.
    public let replacing: ((Module, Tensor) -> Tensor)?

    /// An observer that may replace each module's output (`replacing`) while recording them.
    public init(replacing: ((Module, Tensor) -> Tensor)? = nil) {
        self.replacing = replacing
    }

    /// Records one call and returns the output the caller should see.
    func record(_ module: Module, input: Tensor, output: Tensor) -> Tensor {
        let seen = replacing?(module, output) ?? output
        records.append(Record(module: module, inputShape: input.shape, output: seen))
        return seen
    }

    /// Runs `body` with this observation recording every module call on this task or thread.
    public func observe<Result>(_ body: () throws -> Result) rethrows -> Result {
        try ModuleObservation.$current.withValue(self) { try body() }
    }
}
