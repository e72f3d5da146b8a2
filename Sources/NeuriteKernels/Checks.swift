// The kernels' own programmer-error checks, which keep their message in release builds (see
// NeuriteCore's Checks.swift, whose versions every layer above uses).

@inline(__always) @usableFromInline
func precondition(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = String(),
    file: StaticString = #fileID, line: UInt = #line
) {
    if _slowPath(!condition()) { fatalError(message(), file: file, line: line) }
}

@usableFromInline func preconditionFailure(_ message: @autoclosure () -> String = String(), file: StaticString = #fileID, line: UInt = #line) -> Never
{
    fatalError(message(), file: file, line: line)
}
