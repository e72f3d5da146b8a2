import NeuriteCore
import Testing
import _NeuriteTestSupport

@Suite("Creating tensors")
struct CreationTests {
    @Test func constantsHaveTheirShapeAndValue() {
        #expect(Tensor.zeros([2, 3]) == Tensor([0, 0, 0, 0, 0, 0], shape: [2, 3]))
        #expect(Tensor.ones([2]).scalars == [1, 1])
        #expect(Tensor.full([1, 2, 2], value: 2.5).scalars == [2.5, 2.5, 2.5, 2.5])
        #expect(Tensor.zeros([0, 4]).scalarCount == 0)
        #expect(Tensor.zeros([0, 4]).shape == [0, 4])
        #expect(Tensor(3).shape == [])
        #expect(Tensor(3).scalar == 3)
    }

    @Test func arrayInitialisersKeepRowMajorOrder() {
        let m = Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        #expect(m.shape == [2, 3])
        #expect(m.scalar(at: [1, 0]) == 4)
        #expect(m.scalar(at: [-1, -1]) == 6)
        #expect(Tensor([1, 2, 3]).shape == [3])
    }

    @Test func arangeMatchesTorch() {
        // torch.arange(0, 1, 0.3) → [0.0, 0.3, 0.6, 0.9]; torch.arange(5) → [0, 1, 2, 3, 4].
        expectClose(Tensor.arange(0, 1, step: 0.3), [0, 0.3, 0.6, 0.9], shape: [4])
        #expect(Tensor.arange(5).scalars == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(5, 1, step: -2).scalars == [5, 3])
        #expect(Tensor.arange(3, 3).shape == [0])
    }

    @Test func linspaceHitsBothEnds() {
        // torch.linspace(-1, 1, 5) → [-1.0, -0.5, 0.0, 0.5, 1.0]
        #expect(Tensor.linspace(-1, 1, count: 5).scalars == [-1, -0.5, 0, 0.5, 1])
        let values = Tensor.linspace(0, 0.7, count: 8).scalars
        #expect(values.first == 0 && values.last == 0.7)
        expectClose(Tensor.linspace(0, 0.7, count: 8), (0..<8).map { Float($0) * 0.1 })
        #expect(Tensor.linspace(2, 3, count: 1).scalars == [2])
        #expect(Tensor.linspace(2, 3, count: 0).shape == [0])
    }

    @Test func identityHasOnesOnTheDiagonal() {
        #expect(Tensor.identity(3) == Tensor([1, 0, 0, 0, 1, 0, 0, 0, 1], shape: [3, 3]))
        #expect(Tensor.identity(0).shape == [0, 0])
    }

    @Test func mismatchedValueCountIsAPreconditionNamingTheShape() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([1, 2, 3], shape: [2, 2])
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("3 values for shape [2, 2]"))
        }
    }
}

@Suite("Copy-on-write storage")
struct CopyOnWriteTests {
    @Test func copiesShareStorageUntilWritten() {
        let original = Tensor([1, 2, 3])
        var copy = original
        #expect(copy.sharesStorage(with: original))
        copy.setScalar(9, at: [0])
        #expect(!copy.sharesStorage(with: original))
        #expect(original.scalars == [1, 2, 3])
        #expect(copy.scalars == [9, 2, 3])
    }

    @Test func uniquelyOwnedStorageIsWrittenInPlace() {
        var t = Tensor.zeros([4])
        let before = t.withUnsafeBufferPointer { $0.baseAddress }
        t += Tensor.ones([4])
        t.setScalar(5, at: [3])
        let after = t.withUnsafeBufferPointer { $0.baseAddress }
        #expect(before == after)
        #expect(t.scalars == [1, 1, 1, 5])
    }

    @Test func reshapeSharesStorageAndWritesDoNotLeak() {
        let base = Tensor.arange(6)
        var view = base.reshaped([2, 3])
        #expect(view.sharesStorage(with: base))
        view.withUnsafeMutableBufferPointer { $0[0] = 100 }
        #expect(base.scalars == [0, 1, 2, 3, 4, 5])
        #expect(view.scalar(at: [0, 0]) == 100)
    }

    @Test func savedValuesInTheGraphAreNotChangedByLaterWrites() {
        var x = Tensor([1, 2, 3], requiresGradient: true)
        let y = (x * x).sum()
        withoutGradients { x += Tensor([10, 10, 10]) }  // copies: the graph still holds the old values
        y.backward()
        #expect(x.gradient?.scalars == [2, 4, 6])
        #expect(x.scalars == [11, 12, 13])
    }
}
