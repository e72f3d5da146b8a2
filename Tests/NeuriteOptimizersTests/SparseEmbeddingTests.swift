import NeuriteCore
import NeuriteKernels
import NeuriteNN
import NeuriteOptimizers
import Testing
import _NeuriteTestSupport

@Suite("Sparse embedding gradients")
struct SparseEmbeddingTests {
    /// The same table twice, one dense and one sparse, from one seed.
    func pair(mode: EmbeddingBagMode = .mean, dimension: Int = 4) -> (dense: EmbeddingBag, sparse: EmbeddingBag) {
        var first = PhiloxGenerator(seed: 5)
        var second = PhiloxGenerator(seed: 5)
        return (
            EmbeddingBag(9, dimension, mode: mode, paddingIndex: 0, generator: &first),
            EmbeddingBag(9, dimension, mode: mode, paddingIndex: 0, sparse: true, generator: &second)
        )
    }

    @Test(arguments: EmbeddingBagMode.allCases)
    func rowsHoldTheDenseGradient(mode: EmbeddingBagMode) throws {
        let (dense, sparse) = pair(mode: mode)
        let ids = Tensor(rows: [[3, 5, 3, 0], [8, 0, 0, 0], [0, 0, 0, 0]])
        let upstream = Tensor.normal([3, 4], seed: 2)
        dense(ids).backward(upstream)
        sparse(ids).backward(upstream)
        #expect(sparse.weight.gradient == nil)
        let rows = try #require(sparse.weight.sparseGradient)
        #expect(rows.rows == [3, 5, 8])
        expectClose(rows.densified(), dense.weight.gradient!, absoluteTolerance: 0, relativeTolerance: 0, "\(mode)")
        // A second backward pass before the step adds up, as dense gradients do.
        dense(ids).backward(upstream)
        sparse(ids).backward(upstream)
        expectClose(sparse.weight.sparseGradient!.densified(), dense.weight.gradient!, absoluteTolerance: 0, relativeTolerance: 0)
        sparse.zeroGradients()
        #expect(sparse.weight.sparseGradient == nil)
    }

    @Test func perSampleWeightsStillGetTheirGradient() {
        let (_, sparse) = pair(mode: .sum)
        let weights = Tensor([0.5, 2, -1]).requiringGradient()
        sparse(Tensor([1, 2, 1]), offsets: Tensor([0, 1]), perSampleWeights: weights).sum().backward()
        #expect(weights.gradient != nil && sparse.weight.sparseGradient?.rows == [1, 2])
    }

    /// When a batch touches every row, lazy Adam is Adam, to the bit; rows a later batch does not
    /// touch then stay where they are (where dense Adam would keep moving them).
    /// (19 columns: two blocks of eight and a tail of three in the vectorised row update.)
    @Test(arguments: [4, 19])
    func lazyAdamIsAdamOnTheRowsItTouches(dimension: Int) throws {
        let (dense, sparse) = pair(dimension: dimension)
        let denseAdam = try Adam(dense.parameters, learningRate: 0.1)
        let sparseAdam = try Adam(sparse.parameters, learningRate: 0.1)
        let everyRow = Tensor(rows: [[1, 2, 3, 4], [5, 6, 7, 8]])
        let weights = Tensor((0..<dimension).map { Float($0 % 5) - 1.5 })
        for model in [dense, sparse] { (model(everyRow) * weights).sum().backward() }
        denseAdam.step()
        sparseAdam.step()
        #expect(dense.weight.value == sparse.weight.value)
        // Second step touches rows 1 and 2 only.
        denseAdam.zeroGradients()
        sparseAdam.zeroGradients()
        let before = sparse.weight.value
        for model in [dense, sparse] { model(Tensor(rows: [[1, 2]])).sum().backward() }
        denseAdam.step()
        sparseAdam.step()
        let (after, denseAfter) = (sparse.weight.value, dense.weight.value)
        expectClose(after[1...2], denseAfter[1...2], absoluteTolerance: 0, relativeTolerance: 0, "touched rows")
        #expect(after[3...] == before[3...], "untouched rows keep their values")
        #expect(denseAfter[3...] != before[3...], "dense Adam's momentum moves them")
    }

    @Test func sgdAndClippingTreatRowsAsTheDenseGradient() throws {
        let (dense, sparse) = pair(mode: .sum)
        let ids = Tensor(rows: [[2, 4, 4], [7, 0, 0]])
        for model in [dense, sparse] { (model(ids) * 10).sum().backward() }
        let denseNorm = clipGradientNorm(dense.parameters, maxNorm: 1)
        let sparseNorm = clipGradientNorm(sparse.parameters, maxNorm: 1)
        #expect(abs(denseNorm - sparseNorm) <= 1e-5 * denseNorm)
        try SGD(dense.parameters, learningRate: 0.5).step()
        try SGD(sparse.parameters, learningRate: 0.5).step()
        expectClose(sparse.weight.value, dense.weight.value, absoluteTolerance: 1e-7, relativeTolerance: 0)
        // RMSprop has no row update: it densifies, which is the dense update exactly.
        let (denseAgain, sparseAgain) = pair()
        for model in [denseAgain, sparseAgain] { model(ids).sum().backward() }
        try RMSprop(denseAgain.parameters, learningRate: 0.01).step()
        try RMSprop(sparseAgain.parameters, learningRate: 0.01).step()
        #expect(denseAgain.weight.value == sparseAgain.weight.value)
    }

    @Test func aFrozenSparseTableGetsNothing() {
        let (_, sparse) = pair()
        sparse.weight.isTrainable = false
        let output = sparse(Tensor(rows: [[1, 2]]))
        #expect(!output.requiresGradient)
        #expect(sparse.weight.sparseGradient == nil)
        #expect(EmbeddingBag(5, 2, sparse: true).layerDescription == "EmbeddingBag(5, 2, sparse: true)")
    }
}

/// Big enough batches run the row gradient and the lazy Adam update on threads: the same bits on
/// one thread and on three.
@Test func sparseTrainingStepIsTheSameOnAnyThreadCount() throws {
    func step(threads: Int) throws -> Tensor {
        let saved = Threading.maximumThreads
        Threading.maximumThreads = threads
        defer { Threading.maximumThreads = saved }
        var generator = PhiloxGenerator(seed: 12)
        let bag = EmbeddingBag(3000, 64, paddingIndex: 0, sparse: true, generator: &generator)
        let adam = try Adam(bag.parameters, learningRate: 0.05)
        // Ids spread over the table, every fifth one padding.
        let values: [Float] = (0..<2400).map { position in
            let id = position % 5 == 0 ? 0 : (position * 7919) % 2999 + 1
            return Float(id)
        }
        let ids = Tensor(values, shape: [40, 60])
        for _ in 0..<2 {
            adam.zeroGradients()
            (bag(ids) * Tensor.normal([40, 64], seed: 3)).sum().backward()
            adam.step()
        }
        return bag.weight.value
    }
    #expect(try step(threads: 1) == step(threads: 3))
}
