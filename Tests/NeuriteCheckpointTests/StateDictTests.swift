import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteNN
import Testing
import _NeuriteTestSupport

@Suite("State dicts")
struct StateDictTests {
    @Test func pyTorchStateDictLoadsAndGivesPyTorchOutputs() throws {
        // torch_layout.safetensors: Sequential(Linear(4, 3), ReLU(), BatchNorm1d(3), Linear(3, 2))
        // as PyTorch saves it, with an input and the expected output (see make_fixtures.py).
        let file = try SafeTensors.parse(try fixture(named: "torch_layout"), file: "torch_layout.safetensors")
        let model = Sequential {
            Dense(4, 3)
            ReLU()
            BatchNorm(3)
            Dense(3, 2)
        }
        var weights = file.tensors
        let input = try #require(weights["input"])
        let expected = try #require(weights["expected_output"])
        weights["input"] = nil
        weights["expected_output"] = nil
        let report = try model.loadStateDict(weights)
        #expect(report.isComplete)
        #expect((model[2] as! BatchNorm).numBatchesTracked.value.scalar == 7)
        model.eval()
        expectClose(model(input), expected, absoluteTolerance: 1e-5)
    }

    @Test func stateDictOrderAndKeysFollowPyTorch() {
        let model = Sequential {
            Dense(4, 3)
            ReLU()
            BatchNorm(3)
            Dense(3, 2)
        }
        #expect(
            model.stateDict.map(\.key) == [
                "0.weight", "0.bias", "2.weight", "2.bias", "2.running_mean", "2.running_var",
                "2.num_batches_tracked", "3.weight", "3.bias",
            ])
    }

    @Test func strictLoadingListsEveryProblemAndChangesNothing() throws {
        let model = Sequential {
            Dense(2, 3)
            Dense(3, 1)
        }
        let before = model.stateDict.map(\.tensor)
        let saved: [String: Tensor] = [
            "0.weight": Tensor.zeros([2, 3]), "0.bias": Tensor.zeros([3]), "1.weight": Tensor.zeros([1, 3]), "module.extra": Tensor.zeros([1]),
        ]
        do {
            try model.loadStateDict(saved)
            Issue.record("expected a StateDictError")
        } catch {
            #expect(
                error.description
                    == "Error(s) in loading state_dict for Sequential: Missing key(s) in state_dict: \"1.bias\"; Unexpected key(s) in state_dict: \"module.extra\"; size mismatch for 0.weight: copying a param with shape [2, 3] from checkpoint, the shape in current model is [3, 2]"
            )
        }
        #expect(model.stateDict.map(\.tensor) == before)
        let report = try model.loadStateDict(saved, strict: false)
        #expect(report.missingKeys == ["1.bias"] && report.unexpectedKeys == ["module.extra"] && report.shapeMismatches.count == 1)
        #expect((model[0] as! Dense).bias!.value == Tensor.zeros([3]))
        #expect((model[1] as! Dense).weight.value == Tensor.zeros([1, 3]))
        #expect((model[0] as! Dense).weight.value == before[0])
    }

    @Test func weightsRoundTripThroughAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var generator = PhiloxGenerator(seed: 1)
        let source = Sequential {
            Dense(3, 4, generator: &generator)
            BatchNorm(4)
            ReLU()
            Dense(4, 2, generator: &generator)
        }
        _ = source(Tensor.normal([8, 3], generator: &generator))  // moves the running statistics
        try source.saveWeights(to: path, metadata: ["note": "test"])
        let target = Sequential {
            Dense(3, 4)
            BatchNorm(4)
            ReLU()
            Dense(4, 2)
        }
        try target.loadWeights(from: path)
        #expect(target.stateDict.map(\.tensor) == source.stateDict.map(\.tensor))
        #expect(try SafeTensors.read(path).entries["1.num_batches_tracked"]?.dtype == .i64)
        expectError(containing: "\(path): Error(s) in loading state_dict for Sequential: Missing key(s)") {
            try Sequential {
                Dense(3, 4)
                BatchNorm(4)
                ReLU()
                Dense(4, 2)
                Dense(2, 2)
            }.loadWeights(from: path)
        }
        expectError(containing: "nothing-here.safetensors: no such file") { try target.loadWeights(from: "nothing-here.safetensors") }
    }

    /// Buffers say how files store them, whatever their names: a counter of a user's own layer is
    /// written as int64 and a float buffer that happens to end in `num_batches_tracked` is not.
    @Test func buffersAreWrittenAsTheirStoredType() throws {
        final class Counting: Module {
            let seen = Buffer(Tensor(3), storedAs: .int64)
            let notANumBatchesTracked = Buffer(Tensor(0.5))
            override func forward(_ input: Tensor) -> Tensor { input }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Counting().saveWeights(to: path)
        let entries = try SafeTensors.read(path).entries
        #expect(entries["seen"]?.dtype == .i64)
        #expect(entries["not_a_num_batches_tracked"]?.dtype == .f32)
        let loaded = Counting()
        try loaded.loadWeights(from: path)
        #expect(loaded.seen.value.scalar == 3 && loaded.notANumBatchesTracked.value.scalar == 0.5)
    }
}
