import Foundation
import NeuriteCore
import NeuriteData
import NeuriteKernels
import Synchronization
import Testing
import _NeuriteTestSupport

@Suite("Datasets and loaders")
struct LoaderTests {
    let data = TensorDataset(inputs: Tensor.arange(30).reshaped([10, 3]), targets: Tensor.arange(10))

    @Test func everySampleOncePerEpochInBatches() {
        let loader = DataLoader(data, batchSize: 4, shuffle: true, seed: 7)
        #expect(loader.batchCount == 3)
        let batches = Array(loader.batches(epoch: 0))
        #expect(batches.map { $0.inputs.shape[0] } == [4, 4, 2])
        let seen = batches.flatMap(\.targets.scalars)
        #expect(seen.sorted() == (0..<10).map(Float.init))
        #expect(seen != (0..<10).map(Float.init))
        // Inputs stay with their targets.
        for batch in batches {
            #expect(batch.inputs.slice(axis: 1, 0..<1).scalars == batch.targets.scalars.map { $0 * 3 })
        }
    }

    @Test func ordersAreReproduciblePerEpochAndSeed() {
        let loader = DataLoader(data, batchSize: 3, shuffle: true, seed: 11)
        #expect(loader.order(epoch: 4) == DataLoader(data, batchSize: 5, shuffle: true, seed: 11).order(epoch: 4))
        #expect(loader.order(epoch: 4) != loader.order(epoch: 5))
        #expect(loader.order(epoch: 4) != DataLoader(data, batchSize: 3, shuffle: true, seed: 12).order(epoch: 4))
        #expect(DataLoader(data, batchSize: 3).order(epoch: 9) == Array(0..<10))
        let dropped = DataLoader(data, batchSize: 4, dropLast: true)
        #expect(dropped.batchCount == 2 && Array(dropped.batches()).count == 2)
    }

    @Test func transformsRunPerBatchWithTheirOwnSeededStream() {
        let loader = DataLoader(data, batchSize: 5, seed: 3) { batch, generator in
            Batch(inputs: batch.inputs + Tensor.uniform([1], generator: &generator), targets: batch.targets)
        }
        let first = Array(loader.batches(epoch: 2)).map(\.inputs)
        let again = Array(loader.batches(epoch: 2)).map(\.inputs)
        #expect(first == again)
        #expect(first != Array(loader.batches(epoch: 3)).map(\.inputs))
    }

    @Test("the batches are the same whether prepared in the background or when asked for")
    func prefetchPlacesWorkNotResults() {
        let transform: @Sendable (Batch, inout PhiloxGenerator) -> Batch = { batch, generator in
            Batch(inputs: batch.inputs * Tensor.uniform([1], generator: &generator), targets: batch.targets)
        }
        for withTransform in [false, true] {
            let loaders = [DataLoader.Prefetch.automatic, .background, .onCallingThread].map { prefetch in
                DataLoader(
                    data, batchSize: 3, shuffle: true, seed: 5, prefetch: prefetch, transform: withTransform ? transform : nil)
            }
            let passes = loaders.map { loader in Array(loader.batches(epoch: 1)).map { [$0.inputs.scalars, $0.targets.scalars] } }
            #expect(passes[0].count == 4)
            #expect(passes[1] == passes[0] && passes[2] == passes[0], "transform: \(withTransform)")
            #expect(loaders[2].sharded(DataShard(rank: 1, count: 2)).prefetch == .onCallingThread)
        }
        // Augmentation (a transform) is real work: in the background by default.
        #expect(DataLoader(data, batchSize: 3, transform: transform).prefetchesInBackground)
        #expect(!DataLoader(data, batchSize: 3, prefetch: .onCallingThread, transform: transform).prefetchesInBackground)
        #expect(DataLoader(data, batchSize: 3, prefetch: .background).prefetchesInBackground)
    }

    /// A data set whose batches record how many ranges a three-way split of their work became.
    struct SplitRecordingDataset: Dataset {
        var count: Int { 6 }
        func batch(at indices: [Int]) -> Batch {
            let ranges = Mutex(0)
            Parallel.forEachRange(12, threads: 3) { _ in ranges.withLock { $0 += 1 } }
            return Batch(inputs: Tensor([Float(ranges.withLock { $0 })]), targets: Tensor([0]))
        }
    }

    @Test("a background loader's kernels stay off the worker pool; on the calling thread they split")
    func backgroundPreparationRunsSerially() {
        let splits = [DataLoader.Prefetch.background, .onCallingThread].map { prefetch in
            Array(DataLoader(SplitRecordingDataset(), batchSize: 2, prefetch: prefetch).batches()).map(\.inputs.scalar)
        }
        #expect(splits[0] == [1, 1, 1])
        #expect(splits[1] == [3, 3, 3])
    }

    @Test func seededSplitAndNormalisationFromTrainingDataOnly() {
        let (train, validation) = data.split(fraction: 0.8, seed: 5)
        #expect(train.count == 8 && validation.count == 2)
        #expect(Set(train.targets.scalars + validation.targets.scalars) == Set((0..<10).map(Float.init)))
        #expect(train.targets == data.split(fraction: 0.8, seed: 5).0.targets)
        let inputs = Tensor(rows: [[1, 5], [3, 5], [5, 5]])
        let normalize = Standardization(fitting: inputs)
        let normalized = normalize(inputs)
        expectClose(normalized.mean(axis: 0), [0, 0], absoluteTolerance: 1e-6)
        expectClose(normalized.slice(axis: 1, 1..<2), [0, 0, 0])  // a constant feature maps to 0
        expectClose(normalize(Tensor(rows: [[7, 5]])), [(7 - 3) / Float(8.0 / 3).squareRoot(), 0])
    }

    @Test func builtInDigits() throws {
        let digits = try Digits.load()
        #expect(digits.inputs.shape == [1797, 1, 8, 8])
        #expect(digits.inputs.min().scalar == 0 && digits.inputs.max().scalar == 1)
        let counts = (0..<10).map { label in digits.targets.scalars.filter { $0 == Float(label) }.count }
        #expect(counts.allSatisfy { (174...183).contains($0) }, "\(counts)")
        let (train, test) = try Digits.trainTestSplit()
        #expect(train.count == 1437 && test.count == 360)
        #expect(try Digits.trainTestSplit().test.targets == test.targets)
    }

    @Test func imageDirectoriesInTheMNISTLayout() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pixels = (0..<(3 * 2 * 2)).map { UInt8($0 * 20) }
        write(gzip(idx(shape: [3, 2, 2], values: pixels)), "train-images-idx3-ubyte.gz", in: directory)
        write(idx(shape: [3], values: [1, 9, 0]), "train-labels-idx1-ubyte", in: directory)
        write(idx(shape: [1, 2, 2], values: [0, 255, 0, 255]), "t10k-images-idx3-ubyte", in: directory)
        write(idx(shape: [1], values: [4]), "t10k-labels-idx1-ubyte", in: directory)
        let (train, test) = try IDXImageDataset.load(directory: directory.path)
        #expect(train.inputs.shape == [3, 1, 2, 2] && test.inputs.shape == [1, 1, 2, 2])
        #expect(train.targets.scalars == [1, 9, 0])
        #expect(test.inputs.scalars == [0, 1, 0, 1])

        write(idx(shape: [2], values: [1, 2]), "t10k-labels-idx1-ubyte", in: directory)
        #expect(throws: DataError.self) { try IDXImageDataset.load(directory: directory.path) }
        do {
            _ = try IDXImageDataset.load(directory: directory.path + "-missing")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("apt-get install dataset-fashion-mnist"))
        }
    }

    @Test func syntheticSets() {
        let moons = SyntheticData.twoMoons(count: 200, noise: 0.05, seed: 1)
        #expect(moons.inputs.shape == [200, 2] && moons.targets.sum().scalar == 100)
        let spirals = SyntheticData.spirals(pointsPerClass: 50, classes: 3, seed: 2)
        #expect(spirals.inputs.shape == [150, 2] && Set(spirals.targets.scalars) == [0, 1, 2])
        #expect(SyntheticData.xor().targets.scalars == [0, 1, 1, 0])
        let line = SyntheticData.function({ 2 * $0 + 1 }, in: -1...1, count: 50, seed: 3)
        expectClose(line.targets, line.inputs * 2 + 1, absoluteTolerance: 1e-6)
    }

    /// `for (inputs, targets) in loader`: each pass is the next epoch, the same batches as
    /// `batches(epoch:)` gives, so a second pass reshuffles (as in PyTorch).
    @Test func loopingOverTheLoaderItselfDrawsEpochAfterEpoch() {
        let data = TensorDataset(inputs: Tensor((0..<10).map(Float.init), shape: [10, 1]), targets: Tensor((0..<10).map(Float.init)))
        let loader = DataLoader(data, batchSize: 4, shuffle: true, seed: 3)
        var passes: [[Float]] = []
        for _ in 0..<2 {
            var seen: [Float] = []
            for (inputs, targets) in loader {
                #expect(inputs.scalars == targets.scalars)
                seen += targets.scalars
            }
            passes.append(seen)
        }
        #expect(passes[0] == loader.batches(epoch: 0).flatMap { $0.targets.scalars })
        #expect(passes[1] == loader.batches(epoch: 1).flatMap { $0.targets.scalars })
        #expect(passes[0] != passes[1] && passes[0].sorted() == (0..<10).map(Float.init))
        #expect(loader.underestimatedCount == 3 && Array(loader).count == 3)
        #expect(loader.map { $0.inputs.shape[0] } == [4, 4, 2])
    }
}
