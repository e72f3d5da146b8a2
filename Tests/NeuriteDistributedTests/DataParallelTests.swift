import NeuriteCore
import NeuriteData
import NeuriteDistributed
import NeuriteNN
import NeuriteOptimizers
import NeuriteTrain
import Testing

@Suite("Data-parallel training")
struct DataParallelTests {
    @Test func shardsFollowDistributedSampler() {
        // PyTorch's DistributedSampler(drop_last=False): pad to a multiple of the ranks by
        // repeating the start, then take every count-th position from the rank.
        let order = Array(100..<110)
        #expect(DataShard(rank: 0, count: 3).share(of: order) == [100, 103, 106, 109])
        #expect(DataShard(rank: 1, count: 3).share(of: order) == [101, 104, 107, 100])
        #expect(DataShard(rank: 2, count: 3).share(of: order) == [102, 105, 108, 101])
        // Fewer samples than ranks: the order repeats.
        #expect(DataShard(rank: 3, count: 4).share(of: [7, 8]) == [8])
        #expect(DataShard(rank: 0, count: 2).share(of: [Int]()) == [])
        // Every rank of a sharded loader sees the same permutation: together, each sample once.
        let data = TensorDataset(inputs: Tensor((0..<12).map(Float.init), shape: [12, 1]), targets: Tensor.zeros([12]))
        let loader = DataLoader(data, batchSize: 2, shuffle: true, seed: 5)
        let shares = (0..<3).map { loader.sharded(DataShard(rank: $0, count: 3)).order(epoch: 1) }
        #expect(shares.allSatisfy { $0.count == 4 } && Set(shares.joined()) == Set(0..<12))
        #expect(loader.sharded(DataShard(rank: 0, count: 3)).batchCount == 2)
    }

    @Test func localRanksReduceAndBroadcastAlike() {
        let results = LocalCommunicator.run(ranks: 3) { communicator in
            let rank = Float(communicator.rank)
            var values: [Float] = [rank, 0.1 * rank, 1e8, -1e8 + rank]
            values.withUnsafeMutableBufferPointer { communicator.allReduceSum($0) }
            var shared: [Float] = [rank + 10, rank + 20]
            shared.withUnsafeMutableBufferPointer { communicator.broadcast($0, root: 2) }
            let totals = communicator.sum([Double(communicator.rank), 1])
            communicator.barrier()
            return values + shared + totals.map(Float.init)
        }
        // Sums in rank order: ((r0 + r1) + r2) on every rank.
        let expected: [Float] = [3, (0 + Float(0.1)) + Float(0.2), 3e8, (Float(-1e8) + Float(-1e8 + 1)) + Float(-1e8 + 2), 12, 22, 3, 3]
        for (rank, result) in results.enumerated() { #expect(result.map(\.bitPattern) == expected.map(\.bitPattern), "rank \(rank)") }
    }

    /// 500 samples of 12 features in 4 classes (a fixed rule with noise), as a data set.
    static func tableData() -> TensorDataset {
        var generator = PhiloxGenerator(seed: 3)
        let inputs = Tensor.normal([500, 12], generator: &generator)
        let labels = inputs.scalars.chunked(12).map { row in Float((row[0] + row[1] > 0 ? 1 : 0) + (row[2] - row[3] > 0 ? 2 : 0)) }
        return TensorDataset(inputs: inputs, targets: Tensor(labels, shape: [500]))
    }

    /// 500 one-channel 8×8 images in 3 classes.
    static func imageData() -> TensorDataset {
        var generator = PhiloxGenerator(seed: 4)
        let inputs = Tensor.uniform([500, 1, 8, 8], low: 0, high: 1, generator: &generator)
        let labels = inputs.scalars.chunked(64).map { image in Float(Int(image[0..<32].reduce(0, +) * 3) % 3) }
        return TensorDataset(inputs: inputs, targets: Tensor(labels, shape: [500]))
    }

    static func mlp() -> Module {
        var generator = PhiloxGenerator(seed: 9)
        return Sequential([Dense(12, 32, generator: &generator), ReLU(), Dense(32, 4, generator: &generator)])
    }

    static func cnn() -> Module {
        var generator = PhiloxGenerator(seed: 9)
        return Sequential([
            Conv2D(1, 4, kernelSize: 3, padding: 1, generator: &generator), ReLU(), MaxPool2D(kernelSize: 2), Flatten(),
            Dense(64, 3, generator: &generator),
        ])
    }

    /// Trains `make()`'s model for 3 epochs with Adam on `data`, `ranks` ranks of batch `batch`
    /// each; returns each rank's final state and epoch losses.
    static func train(
        _ make: @escaping @Sendable () -> Module, data: TensorDataset, ranks: Int, batch: Int, synchronizeBatchNorm: Bool = false
    ) -> [(state: [String: [Float]], losses: [Double])] {
        LocalCommunicator.run(ranks: ranks) { communicator in
            let model = make()
            if synchronizeBatchNorm { DataParallel(communicator: communicator).synchronizeBatchNorm(in: model) }
            let optimizer = try! Adam(model.parameters, learningRate: 1e-2)
            let loader = DataLoader(data, batchSize: batch, shuffle: true, seed: 11)
            let history = try! fit(
                model, loss: { crossEntropy(logits: $0, classIndices: $1) }, optimizer: optimizer, data: loader, epochs: 3,
                progress: .quiet, communicator: ranks > 1 ? communicator : nil)
            var state: [String: [Float]] = [:]
            for (name, parameter) in model.namedParameters { state[name] = parameter.value.scalars }
            for (name, buffer) in model.namedBuffers { state[name] = buffer.value.scalars }
            return (state, history.epochs.map { $0.metrics["loss"] ?? .nan })
        }
    }

    @Test(arguments: ["mlp", "cnn"])
    func twoRanksOfHalfBatchesEqualOneProcess(network: String) {
        let make: @Sendable () -> Module = network == "mlp" ? Self.mlp : Self.cnn
        let data = network == "mlp" ? Self.tableData() : Self.imageData()
        let single = Self.train(make, data: data, ranks: 1, batch: 64)[0]
        let ranks = Self.train(make, data: data, ranks: 2, batch: 32)
        // Replicas agree bit for bit.
        #expect(ranks[0].state == ranks[1].state && ranks[0].losses == ranks[1].losses)
        // And follow the single process within 1e-5 relative.
        for (name, values) in single.state {
            let other = ranks[0].state[name]!
            let scale = values.map { abs($0) }.max()!
            let difference = zip(values, other).map { abs($0 - $1) }.max()!
            #expect(difference <= 1e-5 * scale, "\(network) \(name): \(difference) against values up to \(scale)")
        }
        for (one, two) in zip(single.losses, ranks[0].losses) {
            #expect(abs(one - two) <= 1e-5 * abs(one), "losses \(single.losses) \(ranks[0].losses)")
        }
        #expect(single.losses.last! < single.losses.first!)
    }

    @Test func repeatedRunsAreIdenticalAndBatchNormUsesRankZerosStatistics() {
        let make: @Sendable () -> Module = {
            var generator = PhiloxGenerator(seed: 9)
            return Sequential([Dense(12, 16, generator: &generator), BatchNorm(16), ReLU(), Dense(16, 4, generator: &generator)])
        }
        let first = Self.train(make, data: Self.tableData(), ranks: 2, batch: 25)
        let second = Self.train(make, data: Self.tableData(), ranks: 2, batch: 25)
        #expect(first[0].state == second[0].state && first[0].losses == second[0].losses)
        #expect(first[0].state == first[1].state)
        #expect(first[0].state.keys.contains { $0.hasSuffix("running_mean") })
    }

    @Test func synchronisedBatchNormOnTwoRanksEqualsOneProcess() {
        // No bias before the batch norm, which cancels it: its gradient would be rounding noise,
        // which Adam's first steps (about lr·sign(g)) turn into differences of 10⁻².
        let make: @Sendable () -> Module = {
            var generator = PhiloxGenerator(seed: 9)
            return Sequential([Dense(12, 16, bias: false, generator: &generator), BatchNorm(16), ReLU(), Dense(16, 4, generator: &generator)])
        }
        let single = Self.train(make, data: Self.tableData(), ranks: 1, batch: 50)[0]
        let synchronised = Self.train(make, data: Self.tableData(), ranks: 2, batch: 25, synchronizeBatchNorm: true)
        let perRank = Self.train(make, data: Self.tableData(), ranks: 2, batch: 25)
        func largestDifference(_ other: [String: [Float]]) -> Float {
            single.state.map { name, values in
                let scale = max(values.map { abs($0) }.max()!, 1e-6)
                return zip(values, other[name]!).map { abs($0 - $1) }.max()! / scale
            }.max()!
        }
        // Weights and running statistics as one process with the whole batch; without the
        // synchronisation each rank's batch norm sees half the batch, and the runs part.
        #expect(largestDifference(synchronised[0].state) <= 1e-5, "\(largestDifference(synchronised[0].state))")
        #expect(largestDifference(perRank[0].state) > 1e-3)
        #expect(synchronised[0].state == synchronised[1].state)
    }

    @Test func synchronisedBatchNormOfHalvesIsTheWholeBatchBitForBit() {
        var generator = PhiloxGenerator(seed: 1)
        let x = Tensor.normal([8, 3, 2], generator: &generator), upstream = Tensor.normal([8, 3, 2], generator: &generator)
        let whole = BatchNorm(3)
        var input = x.detached()
        input.requiresGradient = true
        let output = whole(input)
        (output * upstream).sum().backward()
        let halves = LocalCommunicator.run(ranks: 2) { communicator in
            let layer = BatchNorm(3)
            DataParallel(communicator: communicator).synchronizeBatchNorm(in: Sequential([layer]))
            let rows = (communicator.rank * 4)..<(communicator.rank * 4 + 4)
            var part = x[rows].detached()
            part.requiresGradient = true
            let out = layer(part)
            (out * upstream[rows]).sum().backward()
            return (out.scalars, part.gradient!.scalars, layer.weight!.gradient!.scalars, layer.runningVar.value.scalars)
        }
        #expect(halves[0].0 + halves[1].0 == output.scalars)
        #expect(halves[0].1 + halves[1].1 == input.gradient!.scalars)
        // ∂γ stays each rank's own: the two add up to the whole batch's.
        let gamma = zip(halves[0].2, halves[1].2).map { $0 + $1 }
        #expect(zip(gamma, whole.weight!.gradient!.scalars).allSatisfy { abs($0 - $1) <= 1e-5 * abs($1) })
        // The running variance's unbiased factor counts every rank's values.
        #expect(halves[0].3 == whole.runningVar.value.scalars && halves[1].3 == halves[0].3)
    }

    @Test func aReplicaThatDriftsIsNamedOnEveryRank() {
        let found = LocalCommunicator.run(ranks: 3) { communicator in
            let model = Self.mlp()
            let parallel = DataParallel(communicator: communicator)
            let agreeing = parallel.ranksDifferingFromRankZero(in: model)
            if communicator.rank == 2 { model.parameters[1].value = model.parameters[1].value + 1e-7 }
            return [agreeing, parallel.ranksDifferingFromRankZero(in: model)]
        }
        for answer in found { #expect(answer == [[], [2]]) }
    }
}

extension Array {
    fileprivate func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
