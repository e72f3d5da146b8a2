import NeuriteCore

/// A module's own source of randomness (the masks of a dropout layer): found by reflection like
/// parameters and buffers (`Module.namedRandomStreams`), so that training checkpoints save and
/// restore every stream of a model without knowing which layers draw random numbers, and a
/// resumed run draws exactly what the uninterrupted run would have.
public final class RandomStream {
    /// The generator draws come from; it advances with each draw.
    public var generator: PhiloxGenerator

    /// A stream starting from `generator`.
    public init(_ generator: PhiloxGenerator) {
        self.generator = generator
    }
}
