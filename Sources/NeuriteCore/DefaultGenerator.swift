import Synchronization

/// The process-wide random generator, for code that does not pass one explicitly (layer
/// initialisation, dropout seeds): PyTorch's global generator, with `DefaultGenerator.seed(_:)` as
/// `torch.manual_seed`. Seeded with 0 at start-up, so a program that builds its model in the
/// same order gets the same weights on every run.
///
/// Access is serialised by a lock; for reproducibility across threads, pass generators explicitly.
public enum DefaultGenerator {
    private static let shared = Mutex(PhiloxGenerator(seed: 0))

    /// Restarts the default generator at stream 0 of `seed`.
    public static func seed(_ seed: UInt64) {
        shared.withLock { $0 = PhiloxGenerator(seed: seed) }
    }

    /// Runs `body` with exclusive use of the default generator.
    public static func withGenerator<Result>(_ body: (inout PhiloxGenerator) -> Result) -> Result {
        shared.withLock { body(&$0) }
    }

    /// A new generator seeded from the default one (64 fresh bits), for a component that keeps
    /// its own stream (such as a dropout layer).
    public static func makeGenerator() -> PhiloxGenerator {
        PhiloxGenerator(seed: withGenerator { $0.next() })
    }
}
