import Neurite
import Testing

/// What a program that starts with `import Neurite` sees.
@Suite("The umbrella import")
struct UmbrellaImportTests {
    /// No Neurite type hides a standard-library or Swift Concurrency name: `Task { }` still means
    /// Swift's task (the training objective is `PredictionTask`).
    @Test func swiftConcurrencyTaskStillCompiles() async {
        let task = Task { 6 * 7 }
        #expect(await task.value == 42)
        let objective: PredictionTask = .regression
        #expect(objective == .regression)
    }
}
