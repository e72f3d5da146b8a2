import NeuriteCore
import Testing
import _NeuriteTestSupport

@Suite("Philox random numbers")
struct RandomTests {
    // Random123's published known-answer vectors for Philox-4×32-10.
    @Test(arguments: [
        (
            (UInt32(0), UInt32(0), UInt32(0), UInt32(0)), (UInt32(0), UInt32(0)),
            (UInt32(0x6627_e8d5), UInt32(0xe169_c58d), UInt32(0xbc57_ac4c), UInt32(0x9b00_dbd8))
        ),
        (
            (0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff), (0xffff_ffff, 0xffff_ffff),
            (0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd)
        ),
        (
            (0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), (0xa409_3822, 0x299f_31d0),
            (0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1)
        ),
    ])
    func knownAnswers(
        counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32),
        expected: (UInt32, UInt32, UInt32, UInt32)
    ) {
        let block = PhiloxGenerator.block(counter: counter, key: key)
        #expect([block.0, block.1, block.2, block.3] == [expected.0, expected.1, expected.2, expected.3])
    }

    @Test func streamWordsAreTheBlocksInCounterOrder() {
        var generator = PhiloxGenerator(seed: 0x299f_31d0_a409_3822, stream: 5)
        let words = (0..<8).map { _ in generator.nextWord() }
        let first = PhiloxGenerator.block(counter: (0, 0, 5, 0), key: (0xa409_3822, 0x299f_31d0))
        let second = PhiloxGenerator.block(counter: (1, 0, 5, 0), key: (0xa409_3822, 0x299f_31d0))
        #expect(words == [first.0, first.1, first.2, first.3, second.0, second.1, second.2, second.3])
    }

    @Test func sameSeedSameBitsDifferentSeedOrStreamDifferentBits() {
        let a = Tensor.normal([1000], seed: 42)
        let b = Tensor.normal([1000], seed: 42)
        #expect(a == b)
        #expect(a != Tensor.normal([1000], seed: 43))
        var g0 = PhiloxGenerator(seed: 42), g1 = PhiloxGenerator(seed: 42).forStream(1)
        #expect(Tensor.uniform([100], generator: &g0) != Tensor.uniform([100], generator: &g1))
    }

    @Test func generatorStateRoundTripsAndResumes() throws {
        var generator = PhiloxGenerator(seed: 9)
        _ = Tensor.uniform([7], generator: &generator)
        var resumed = generator
        #expect(Tensor.uniform([5], generator: &generator) == Tensor.uniform([5], generator: &resumed))
        #expect(generator.position == 12)
    }

    @Test func uniformMomentsAndRange() {
        let u = Tensor.uniform([100_000], low: -1, high: 3, seed: 1)
        #expect(u.min().scalar >= -1 && u.max().scalar < 3)
        #expect(abs(u.mean().scalar - 1) < 0.02)
        #expect(abs(u.variance().scalar - 16.0 / 12) < 0.02)
    }

    @Test func normalMoments() {
        let z = Tensor.normal([100_001], mean: 2, standardDeviation: 0.5, seed: 3)
        #expect(abs(z.mean().scalar - 2) < 0.01)
        #expect(abs(z.variance().scalar.squareRoot() - 0.5) < 0.01)
        // About 68.3% within one standard deviation.
        let inside = ((z - 2).mapForTest { abs($0) } .< 0.5).mean().scalar
        #expect(abs(inside - 0.6827) < 0.01)
    }

    @Test func bernoulliFrequency() {
        var generator = PhiloxGenerator(seed: 11)
        let mask = Tensor.bernoulli([50_000], probability: 0.3, generator: &generator)
        #expect(Set(mask.scalars) == [0, 1])
        #expect(abs(mask.mean().scalar - 0.3) < 0.01)
        #expect(Tensor.bernoulli([10], probability: 0, generator: &generator) == Tensor.zeros([10]))
        #expect(Tensor.bernoulli([10], probability: 1, generator: &generator) == Tensor.ones([10]))
    }
}

extension Tensor {
    func mapForTest(_ body: (Float) -> Float) -> Tensor { Tensor(scalars.map(body), shape: shape) }
}
