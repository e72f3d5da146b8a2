import Foundation
import NeuriteCore
import NeuriteKernels
import NeuriteNN
import Testing

@testable import NeuriteOptimizers

/// The fused Adam update gives the bits of the update written as tensor operations.
@Suite("Fused Adam")
struct FusedAdamTests {
    func bits(_ tensor: Tensor?) -> [UInt32] { tensor?.scalars.map(\.bitPattern) ?? [] }

    @Test(arguments: [(Float(0), false), (0.01, false), (0.05, true)])
    func fusedEqualsReferenceBitForBit(weightDecay: Float, decoupled: Bool) throws {
        var generator = PhiloxGenerator(seed: 7)
        let start = Tensor.normal([33, 17], generator: &generator)
        let fused = Parameter(start), reference = Parameter(start)
        let settings = Adam.Settings(learningRate: 3e-3, weightDecay: weightDecay, decoupledWeightDecay: decoupled)
        let optimizer = try Adam([ParameterGroup([fused])], settings: settings)
        var fusedState = AdamState(), referenceState = AdamState()
        for step in 0..<6 {
            // Gradients of mixed signs and scales, with exact zeros (the sign of zero matters).
            var gradient = Tensor.normal([33, 17], standardDeviation: step == 3 ? 1e-4 : 1, generator: &generator)
            gradient.withUnsafeMutableBufferPointer { for i in stride(from: 0, to: $0.count, by: 5) { $0[i] = i % 2 == 0 ? 0 : -0.0 } }
            withoutGradients {
                optimizer.update(fused, gradient: gradient, group: optimizer.groups[0], state: &fusedState)
                optimizer.referenceUpdate(reference, gradient: gradient, group: optimizer.groups[0], state: &referenceState)
            }
            #expect(bits(fused.value) == bits(reference.value), "step \(step)")
            #expect(bits(fusedState.exponentialAverage) == bits(referenceState.exponentialAverage), "step \(step)")
            #expect(bits(fusedState.exponentialAverageOfSquares) == bits(referenceState.exponentialAverageOfSquares), "step \(step)")
            #expect(fusedState.step == referenceState.step)
        }
        #expect(fused.value.requiresGradient)
        #expect(bits(fused.value) != bits(start))
    }

    /// Above the size where the update is split across threads, and on both SIMD levels.
    @Test func largeParametersAndBothSIMDLevels() throws {
        var generator = PhiloxGenerator(seed: 8)
        let start = Tensor.normal([300, 300], generator: &generator)
        let fused = Parameter(start), reference = Parameter(start)
        let optimizer = try Adam([ParameterGroup([fused])], settings: .init(learningRate: 1e-3))
        var fusedState = AdamState(), referenceState = AdamState()
        for _ in 0..<2 {
            let gradient = Tensor.normal([300, 300], generator: &generator)
            withoutGradients {
                optimizer.update(fused, gradient: gradient, group: optimizer.groups[0], state: &fusedState)
                optimizer.referenceUpdate(reference, gradient: gradient, group: optimizer.groups[0], state: &referenceState)
            }
        }
        #expect(bits(fused.value) == bits(reference.value))
        // The portable kernel gives the same bits as the AVX2 one.
        let count = 1000
        var outputs: [[Float]] = []
        for level in [SIMDLevel.portable, .detected] {
            var p = (0..<count).map { Float($0) / 7 - 50 }, m = [Float](repeating: 0.01, count: count), v = [Float](repeating: 0.02, count: count)
            let g = (0..<count).map { sin(Float($0)) }
            FusedAdam.update(
                parameter: &p, firstMoment: &m, secondMoment: &v, gradient: g, count: count, beta1: 0.9, beta2: 0.999, root2: 0.03,
                epsilon: 1e-8, stepSize: 0.01, decay: .coupled, factor: 0.01, simd: level)
            outputs.append(p + m + v)
        }
        #expect(outputs[0].map(\.bitPattern) == outputs[1].map(\.bitPattern))
    }

    /// The AVX2 kernel divides by √(1 − β₂ᵗ) with a corrected multiplication instead of a division:
    /// the same bits as the portable kernel's division for second moments across the whole float
    /// range (zero, subnormal, the largest, +∞, NaN) and for the divisors of many steps and betas.
    @Test func correctedDivisionGivesTheDivisionsBits() {
        let count = 4099  // a tail after the vector blocks
        var generator = SplitMixForAdam(seed: 5)
        let special: [Float] = [0, .leastNonzeroMagnitude, .leastNormalMagnitude, 1e-30, 1, .greatestFiniteMagnitude, .infinity, .nan]
        let seconds = (0..<count).map { index -> Float in
            if index < special.count { return special[index] }
            // Random mantissa and exponent over the whole positive range.
            return Float(
                sign: .plus, exponentBitPattern: UInt(generator.next() % 254 + 1), significandBitPattern: UInt32(generator.next() % (1 << 23)))
        }
        let firsts = (0..<count).map { _ in Float(Int(generator.next() % 2001) - 1000) / 37 }
        var divisors: [Float] = []
        for beta2 in [0.999, 0.9999999, 0.5, 0] as [Double] {
            for step in [1, 2, 3, 10, 77, 1000, 123_457] { divisors.append(Float(1 - pow(beta2, Double(step))).squareRoot()) }
        }
        divisors += (0..<40).map { _ in Float(sign: .plus, exponentBitPattern: 126, significandBitPattern: UInt32(generator.next() % (1 << 23))) }
        func same(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }
        for root2 in divisors {
            var results: [[Float]] = []
            for level in SIMDLevel.available {
                // β₂ = 1 keeps each second moment as it is (its update adds g²·0).
                var p = [Float](repeating: 0.5, count: count), m = firsts, v = seconds
                FusedAdam.update(
                    parameter: &p, firstMoment: &m, secondMoment: &v, gradient: [Float](repeating: 0, count: count), count: count,
                    beta1: 1, beta2: 1, root2: root2, epsilon: 1e-8, stepSize: 0.01, decay: .none, factor: 0, simd: level)
                results.append(p)
            }
            let mismatches = zip(results[0], results.last!).filter { !same($0, $1) }.count
            #expect(mismatches == 0, "root2 \(root2): \(mismatches) of \(count) differ")
        }
    }

    /// SplitMix64, for the test's random bit patterns.
    struct SplitMixForAdam {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A saved state that shares its buffers with the optimiser's is not changed by later steps.
    @Test func savedStateIsNotChangedByLaterSteps() throws {
        let parameter = Parameter(Tensor.normal([4, 4], seed: 1))
        let optimizer = try Adam([parameter], learningRate: 0.1)
        func step() {
            optimizer.zeroGradients()
            parameter.value.square().sum().backward()
            optimizer.step()
        }
        step()
        let saved = optimizer.state, value = parameter.value.scalars
        step()
        #expect(saved != optimizer.state && parameter.value.scalars != value)
    }
}
