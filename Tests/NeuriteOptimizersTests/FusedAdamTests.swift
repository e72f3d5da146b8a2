import NeuriteCore
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
