import NeuriteCore
import Testing

/// Expects `actual` to have `shape` (when given) and values within
/// `absoluteTolerance + relativeTolerance · |expected|` of `expected`, element by element.
/// NaN matches NaN and infinities must match exactly. Failures name the first differing elements.
public func expectClose(
    _ actual: Tensor, _ expected: [Float], shape: [Int]? = nil,
    absoluteTolerance: Float = 1e-6, relativeTolerance: Float = 1e-5,
    _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    if let shape {
        #expect(actual.shape == shape, "shape", sourceLocation: sourceLocation)
    }
    guard actual.scalarCount == expected.count else {
        Issue.record(
            "\(comment.map { "\($0): " } ?? "")\(actual.scalarCount) values (shape \(actual.shape)), expected \(expected.count)",
            sourceLocation: sourceLocation)
        return
    }
    var mismatches: [String] = []
    for (index, (a, e)) in zip(actual.scalars, expected).enumerated() where !isClose(a, e, absoluteTolerance, relativeTolerance) {
        mismatches.append("[\(index)] \(a) vs \(e)")
    }
    if !mismatches.isEmpty {
        Issue.record(
            "\(comment.map { "\($0): " } ?? "")\(mismatches.count) of \(expected.count) values differ: \(mismatches.prefix(6).joined(separator: ", "))",
            sourceLocation: sourceLocation)
    }
}

/// Expects two tensors to have the same shape and close values.
public func expectClose(
    _ actual: Tensor, _ expected: Tensor,
    absoluteTolerance: Float = 1e-6, relativeTolerance: Float = 1e-5,
    _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectClose(
        actual, expected.scalars, shape: expected.shape, absoluteTolerance: absoluteTolerance,
        relativeTolerance: relativeTolerance, comment, sourceLocation: sourceLocation)
}

public func isClose(_ a: Float, _ e: Float, _ absoluteTolerance: Float, _ relativeTolerance: Float) -> Bool {
    if a.isNaN || e.isNaN { return a.isNaN && e.isNaN }
    if a.isInfinite || e.isInfinite { return a == e }
    return abs(a - e) <= absoluteTolerance + relativeTolerance * abs(e)
}
