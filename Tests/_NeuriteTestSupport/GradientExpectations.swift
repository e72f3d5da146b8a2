import NeuriteCore
import Testing

/// Expects the gradients of `function` at `inputs` to match central finite differences
/// (see `checkGradients` for the method and the tolerances).
public func expectGradientsMatch(
    _ inputs: [Tensor],
    epsilon: Double = 1e-3, absoluteTolerance: Double = 1e-3, relativeTolerance: Double = 1e-2,
    _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    of function: ([Tensor]) -> Tensor
) {
    let result = checkGradients(
        of: function, at: inputs, epsilon: epsilon,
        absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
    // Every Jacobian entry must have been compared (a check that compared nothing proves nothing).
    let outputCount = withoutGradients { function(inputs).scalarCount }
    let entries = outputCount * inputs.reduce(0) { $0 + $1.scalarCount }
    #expect(
        result.comparedEntries == entries, "compared \(result.comparedEntries) of \(entries) Jacobian entries",
        sourceLocation: sourceLocation)
    #expect(result.passed, "\(comment.map { "\($0): " } ?? "")\(result)", sourceLocation: sourceLocation)
}

/// The gradients that `backward()` leaves in fresh leaves made from `inputs`, after
/// `function(leaves).backward(upstream)` (upstream 1 for a one-element output).
public func gradients(
    at inputs: [Tensor], upstream: Tensor? = nil, of function: ([Tensor]) -> Tensor
) -> [Tensor?] {
    let leaves = inputs.map { $0.requiringGradient() }
    function(leaves).backward(upstream)
    return leaves.map(\.gradient)
}

/// A seeded tensor with values uniform in `[low, high)`: the standard fixture input.
public func fixture(_ shape: [Int], seed: UInt64 = 1, low: Float = -2, high: Float = 2) -> Tensor {
    Tensor.uniform(shape, low: low, high: high, seed: seed)
}
