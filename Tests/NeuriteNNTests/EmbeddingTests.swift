import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteNN
import Testing
import _NeuriteTestSupport

@Suite("Embedding and EmbeddingBag")
struct EmbeddingTests {
    let fixtures = ConvTextFixtures.shared

    /// The layer a case's PyTorch settings describe, built from a model description (so the
    /// description keys are PyTorch's), with the case's weight loaded.
    func layer(for item: ConvTextFixtures.Case, type: String) throws -> Module {
        var config: [String: Any] = ["num_embeddings": item.resolved["num_embeddings"]!, "embedding_dim": item.resolved["embedding_dim"]!]
        if let padding = item.resolved["padding_idx"] as? Int { config["padding_idx"] = padding }
        if let mode = item.resolved["mode"] as? String { config["mode"] = mode }
        let json = try JSONSerialization.data(withJSONObject: ["type": type, "config": config])
        var generator = PhiloxGenerator(seed: 0)
        let module = try LayerRegistry.build(JSONDecoder().decode(LayerDescription.self, from: json), generator: &generator)
        try module.loadStateDict(["weight": item["state/weight"]])
        return module
    }

    @Test func embeddingValuesAndGradientsMatchPyTorch() throws {
        let ids = fixtures.caseIDs(family: "embedding")
        #expect(ids.count == 4)
        for id in ids {
            let item = try fixtures.load(id)
            let module = try layer(for: item, type: "Embedding")
            let output = module(item["input"])
            // A lookup copies: the values must be the very same bits.
            expectClose(output, item["output"], absoluteTolerance: 0, relativeTolerance: 0, "\(id) output")
            #expect(try module.outputShape(forInput: item["input"].shape) == output.shape, "\(id): inferred shape")
            output.backward(item["grad_output"])
            let weight = module.parameters.first!.value
            expectClose(
                weight.gradient!, item["grad/weight"], absoluteTolerance: item.tolerance("grad/weight"), relativeTolerance: 0, "\(id) ∂weight")
        }
    }

    @Test func embeddingBagValuesAndGradientsMatchPyTorch() throws {
        let ids = fixtures.caseIDs(family: "embedding_bag")
        #expect(ids.count == 9)
        for id in ids {
            let item = try fixtures.load(id)
            let bag = try #require(try layer(for: item, type: "EmbeddingBag") as? EmbeddingBag)
            let includeLast = item.resolved["include_last_offset"] as? Bool ?? false
            let weights = item.tensors["per_sample_weights"]?.requiringGradient()
            let output =
                if let offsets = item.tensors["offsets"] {
                    bag(item["input"], offsets: offsets, perSampleWeights: weights, includeLastOffset: includeLast)
                } else {
                    bag(item["input"])
                }
            expectClose(output, item["output"], absoluteTolerance: item.tolerance("output"), relativeTolerance: 0, "\(id) output")
            output.backward(item["grad_output"])
            expectClose(
                bag.weight.value.gradient!, item["grad/weight"], absoluteTolerance: item.tolerance("grad/weight"), relativeTolerance: 0,
                "\(id) ∂weight")
            if let weights {
                expectClose(
                    weights.gradient!, item["grad_per_sample_weights"], absoluteTolerance: item.tolerance("grad_per_sample_weights"),
                    relativeTolerance: 0, "\(id) ∂per-sample weights")
            }
        }
    }

    /// Padded rows reduce like the bags they stand for: `[[a, b, pad], [c, pad, pad]]` with
    /// padding skipped equals offsets `[0, 2]` over `[a, b, c]`, values and gradients.
    @Test(arguments: EmbeddingBagMode.allCases)
    func paddedRowsEqualOffsets(mode: EmbeddingBagMode) {
        var generator = PhiloxGenerator(seed: 3)
        let bag = EmbeddingBag(7, 5, mode: mode, paddingIndex: 0, generator: &generator)
        let padded = bag(Tensor(rows: [[4, 2, 0], [6, 0, 0]]))
        padded.backward(Tensor.ones(padded.shape))
        let paddedGradient = bag.weight.value.gradient!
        bag.zeroGradients()
        let flat = bag(Tensor([4, 2, 6]), offsets: Tensor([0, 2]))
        flat.backward(Tensor.ones(flat.shape))
        expectClose(padded, flat, absoluteTolerance: 0, relativeTolerance: 0, "values")
        expectClose(paddedGradient, bag.weight.value.gradient!, absoluteTolerance: 0, relativeTolerance: 0, "∂weight")
        // The padding row starts at zero and receives nothing.
        #expect(bag.weight.value[0].scalars.allSatisfy { $0 == 0 })
        #expect(paddedGradient[0].scalars.allSatisfy { $0 == 0 })
    }

    /// Finite differences for the weight and per-sample weights through a nonlinear loss (the
    /// bags skip their padding id, so its true derivative is zero too).
    @Test func gradientsMatchFiniteDifferences() {
        var generator = PhiloxGenerator(seed: 8)
        let table = Tensor.normal([6, 3], generator: &generator)
        let ids = Tensor([1, 3, 3, 5, 0, 2])
        let offsets = Tensor([0, 2, 2, 4])
        for mode in EmbeddingBagMode.allCases {
            expectGradientsMatch([table], "embeddingBag \(mode)") { inputs in
                tanh(embeddingBag(ids, weight: inputs[0], offsets: offsets, mode: mode, paddingIndex: 5) * Tensor([1, -2, 0.5])).sum()
            }
        }
        let weights = Tensor([0.5, -1, 2, 1, 0.25, 3])
        expectGradientsMatch([table, weights], "embeddingBag per-sample weights") { inputs in
            tanh(embeddingBag(ids, weight: inputs[0], offsets: offsets, mode: .sum, perSampleWeights: inputs[1])).sum()
        }
        expectGradientsMatch([table], "embedding") { inputs in
            // No padding row here: the padding row's value is used but, as in PyTorch, takes no
            // gradient (the fixtures check that).
            sigmoid(embedding(Tensor(rows: [[1, 1], [4, 0]]), weight: inputs[0]) * 0.7).sum()
        }
    }

    @Test func descriptionRoundTripsWithPyTorchKeys() throws {
        let bag = EmbeddingBag(100, 8, mode: .sum, paddingIndex: -1)
        let description = try LayerRegistry.describe(bag)
        let json = String(decoding: try JSONEncoder().encode(description), as: UTF8.self)
        #expect(json.contains("\"num_embeddings\":100") && json.contains("\"padding_idx\":-1") && json.contains("\"mode\":\"sum\""))
        var generator = PhiloxGenerator(seed: 1)
        let rebuilt = try #require(try LayerRegistry.build(description, generator: &generator) as? EmbeddingBag)
        #expect(rebuilt.configuration == bag.configuration)
        #expect(bag.layerDescription == "EmbeddingBag(100, 8, paddingIndex: -1, mode: sum)")
        #expect(Embedding(10, 4).layerDescription == "Embedding(10, 4)")
        #expect(bag.weight.value[99].scalars.allSatisfy { $0 == 0 }, "padding row -1 is the last and starts at zero")
    }
}
