/// One vertex of the autograd graph.
///
/// A *leaf* node belongs to a tensor created with `requiresGradient: true` and holds its
/// accumulated gradient. An *operation* node belongs to a result computed from tensors that require
/// gradients: it holds the inputs' nodes and the rule that turns the gradient of the result into
/// gradients of the inputs. The rule is dropped after `backward()` (unless the graph is retained),
/// freeing the values it saved.
@usableFromInline
final class GradientNode {
    /// A short name of the operation, used in error messages (`"matmul"`, `"leaf"`).
    let operation: String
    /// The input nodes, one per input (nil where an input does not require gradients).
    let inputs: [GradientNode?]
    /// The input shapes, to check what a rule returns.
    let inputShapes: [[Int]]
    /// Maps the gradient of this node's tensor to the gradients of its inputs (nil: none).
    var rule: ((Tensor) -> [Tensor?])?
    /// The accumulated gradient (leaves only).
    var gradient: Tensor?
    let isLeaf: Bool

    /// A leaf node.
    init() {
        operation = "leaf"
        inputs = []
        inputShapes = []
        isLeaf = true
    }

    /// An operation node.
    init(operation: String, inputs: [GradientNode?], shapes: [[Int]], rule: @escaping (Tensor) -> [Tensor?]) {
        self.operation = operation
        self.inputs = inputs
        self.inputShapes = shapes
        self.rule = rule
        isLeaf = false
    }
}
