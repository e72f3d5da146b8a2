// Programmer-error checks that keep their message in release builds.
//
// Swift's `precondition` drops its message under `-O`, so a shape mismatch in an optimised build
// would print only "precondition failure". These package-wide functions shadow the standard
// library's in every file that imports NeuriteCore (Documentation/ErrorPolicy.md, tier 1): the
// same call sites, the message always printed. Checks on input from outside the program are
// not preconditions; they throw.

/// Stops the program with `message` (and the file and line) unless `condition` holds, in debug and
/// release builds alike.
@inline(__always) @usableFromInline
package func precondition(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = String(),
    file: StaticString = #fileID, line: UInt = #line
) {
    if _slowPath(!condition()) { fatalError(message(), file: file, line: line) }
}

/// Stops the program with `message`, in debug and release builds alike.
@usableFromInline package func preconditionFailure(_ message: @autoclosure () -> String = String(), file: StaticString = #fileID, line: UInt = #line)
    -> Never
{
    fatalError(message(), file: file, line: line)
}
