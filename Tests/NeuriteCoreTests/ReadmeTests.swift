import NeuriteCore
import Testing

@Suite("README")
struct ReadmeTests {
    /// The "A taste" snippet of README.md, with its claims checked.
    @Test func tasteSnippetRunsAsDescribed() {
        var generator = PhiloxGenerator(seed: 42)
        let x = Tensor.normal([128, 784], generator: &generator)
        let labels = Tensor((0..<128).map { Float($0 % 10) }, shape: [128, 1])
        var w = Tensor.normal([784, 10], standardDeviation: 0.01, generator: &generator).requiringGradient()

        let logits = matmul(x, w)
        let logProbabilities = logits - logits.logSumExp(axis: 1, keepDims: true)
        let loss = -logProbabilities.gather(axis: 1, indices: labels).mean()
        loss.backward()
        #expect(logits.shape == [128, 10])
        #expect(w.gradient?.shape == [784, 10])

        let before = w.scalars
        withoutGradients { w -= 0.1 * w.gradient! }
        #expect(w.isLeaf && w.scalars != before)
        #expect(loss.description.hasPrefix("Tensor([], 2.3"))
    }
}
