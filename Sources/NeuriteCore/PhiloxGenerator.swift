import NeuriteKernels

/// Neurite's random-number generator: Philox-4×32-10, the counter-based generator of Salmon,
/// Moraes, Dror and Shaw ("Parallel Random Numbers: As Easy as 1, 2, 3", SC 2011), as in the
/// Random123 library and cuRAND.
///
/// Each 128-bit counter is enciphered by ten rounds under a 64-bit key into four 32-bit words.
/// Here the key is the `seed`; the counter's low 64 bits number the blocks of a stream and its
/// high 64 bits are the `stream`. Different streams of one seed are independent, which gives every
/// layer, epoch or batch its own reproducible sequence without sharing state between threads.
/// Output words are used in order, four per block.
///
/// Derived values (documented so that any implementation can reproduce them bit for bit):
/// - uniform `Float` in [0, 1): the top 24 bits of one word times 2⁻²⁴;
/// - standard normal: Box–Muller in `Double` on two words, `u₁ = (w₁ >> 8 + 1) · 2⁻²⁴ ∈ (0, 1]`,
///   `u₂ = (w₂ >> 8) · 2⁻²⁴`, giving `√(−2 ln u₁) · cos 2πu₂` and then `… · sin 2πu₂`, rounded
///   to `Float`;
/// - Bernoulli(p): 1 when a uniform `Float` is below `p`.
public struct PhiloxGenerator: RandomNumberGenerator, Sendable, Hashable, Codable {
    /// The key.
    public let seed: UInt64
    /// The stream: the high half of the counter.
    public let stream: UInt64
    /// How many 32-bit words have been drawn from this stream.
    public private(set) var position: UInt64

    private var cachedBlockIndex: UInt64 = .max
    private var cachedBlock: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)

    /// A generator at the start of `stream` of `seed`.
    public init(seed: UInt64, stream: UInt64 = 0) {
        self.seed = seed
        self.stream = stream
        self.position = 0
    }

    /// A generator for another stream of the same seed, at its start.
    public func forStream(_ stream: UInt64) -> PhiloxGenerator {
        PhiloxGenerator(seed: seed, stream: stream)
    }

    /// The next 32-bit word.
    public mutating func nextWord() -> UInt32 {
        let blockIndex = position / 4
        if blockIndex != cachedBlockIndex {
            cachedBlock = Self.block(
                counter: (
                    UInt32(truncatingIfNeeded: blockIndex), UInt32(truncatingIfNeeded: blockIndex >> 32),
                    UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32)
                ),
                key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
            cachedBlockIndex = blockIndex
        }
        defer { position &+= 1 }
        switch position % 4 {
        case 0: return cachedBlock.0
        case 1: return cachedBlock.1
        case 2: return cachedBlock.2
        default: return cachedBlock.3
        }
    }

    /// The next 64 bits: two words, the first in the low half (for `RandomNumberGenerator`, so
    /// `Int.random(in:using:)` and `shuffle(using:)` work with it).
    public mutating func next() -> UInt64 {
        let low = UInt64(nextWord())
        return low | UInt64(nextWord()) << 32
    }

    /// A uniform `Float` in [0, 1).
    public mutating func nextUniform() -> Float {
        Float(nextWord() >> 8) * 0x1p-24
    }

    /// Two independent standard normal values (one Box–Muller pair).
    public mutating func nextNormalPair() -> (Float, Float) {
        let u1 = Double((nextWord() >> 8) + 1) * 0x1p-24
        let u2 = Double(nextWord() >> 8) * 0x1p-24
        let radius = (-2 * ScalarMath.log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        return (Float(radius * ScalarMath.cos(angle)), Float(radius * ScalarMath.sin(angle)))
    }

    /// Philox-4×32-10 applied to one counter under one key.
    public static func block(
        counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)
    ) -> (UInt32, UInt32, UInt32, UInt32) {
        var (c0, c1, c2, c3) = counter
        var (k0, k1) = key
        for round in 0..<10 {
            if round > 0 {
                k0 &+= 0x9E37_79B9
                k1 &+= 0xBB67_AE85
            }
            let product0 = UInt64(0xD251_1F53) * UInt64(c0)
            let product1 = UInt64(0xCD9E_8D57) * UInt64(c2)
            let hi0 = UInt32(product0 >> 32), lo0 = UInt32(truncatingIfNeeded: product0)
            let hi1 = UInt32(product1 >> 32), lo1 = UInt32(truncatingIfNeeded: product1)
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
        }
        return (c0, c1, c2, c3)
    }

    // The block cache is derived state: equality, hashing and coding use seed, stream and position.
    private enum CodingKeys: String, CodingKey { case seed, stream, position }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.seed == rhs.seed && lhs.stream == rhs.stream && lhs.position == rhs.position
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(seed)
        hasher.combine(stream)
        hasher.combine(position)
    }
}
