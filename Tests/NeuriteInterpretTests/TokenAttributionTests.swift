import NeuriteCore
import NeuriteInterpret
import NeuriteNN
import Testing
import _NeuriteTestSupport

@Suite("Token attributions")
struct TokenAttributionTests {
    /// fastText's model is linear after the bag: each id's attribution is its row, divided by the
    /// bag's size, dotted with the target's weights, exactly; they add up to the logit minus the
    /// bias. Padding gets nothing.
    @Test func aLinearModelGetsExactAttributions() {
        var generator = PhiloxGenerator(seed: 7)
        let model = fastTextClassifier(idCount: 20, dimension: 6, classes: 3, generator: &generator)
        let ids = [4, 9, 4, 0, 17]
        let (attributions, delta) = embeddingIntegratedGradients(model, ids: ids, target: 2, steps: 8)
        let bag = model.layers[0] as! EmbeddingBag
        let dense = model.layers[1] as! Dense
        let weights = dense.weight.value[2].scalars
        for (position, id) in ids.enumerated() {
            let row = bag.weight.value[id].scalars
            let expected = id == 0 ? 0 : zip(row, weights).map(*).reduce(0, +) / 4
            #expect(abs(attributions[position] - expected) <= 1e-6, "position \(position)")
        }
        #expect(abs(delta) <= 1e-5)
    }

    /// Through a nonlinearity the attributions still add up to f(input) − f(baseline), to the
    /// quadrature's accuracy.
    @Test func attributionsAreCompleteThroughANonlinearity() {
        var generator = PhiloxGenerator(seed: 8)
        let model = Sequential {
            EmbeddingBag(30, 8, mode: .sum, paddingIndex: 0, generator: &generator)
            Dense(8, 16, generator: &generator)
            Tanh()
            Dense(16, 4, generator: &generator)
        }
        let (attributions, delta) = embeddingIntegratedGradients(model, ids: [3, 5, 29, 3], target: 1, steps: 256)
        #expect(attributions.count == 4 && attributions[0] == attributions[3])
        #expect(abs(delta) <= 1e-3 * max(1, attributions.map(abs).reduce(0, +)), "delta \(delta)")
    }
}
