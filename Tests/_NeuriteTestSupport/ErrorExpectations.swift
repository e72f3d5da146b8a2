import Testing

/// Expects `body` to throw an error whose description contains `expected`.
public func expectError(containing expected: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected an error containing '\(expected)'", sourceLocation: sourceLocation)
    } catch {
        #expect("\(error)".contains(expected), "\(error)", sourceLocation: sourceLocation)
    }
}
