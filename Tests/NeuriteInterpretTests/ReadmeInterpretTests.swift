import Foundation
import NeuriteCore
import NeuriteData
import NeuriteInterpret
import NeuriteNN
import NeuritePlot
import Testing

@Suite("README understanding a network")
struct ReadmeInterpretTests {
    /// The "Understanding a network" snippet of README.md on a small untrained image model.
    @Test func understandingSnippetRuns() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = Sequential {
            Flatten()
            Dense(64, 16)
            ReLU()
            Dense(16, 10)
        }
        let images = Tensor.uniform([3, 1, 8, 8], seed: 1)
        let testSet = TensorDataset(inputs: images, targets: Tensor.zeros([3]))

        model.eval()
        let explainer = Explainer(model)
        let saliency = explainer.saliency(images)
        let ig = explainer.integratedGradients(images, target: 3, steps: 64)
        let occlusion = explainer.occlusion(images, window: [1, 4, 4], strides: [1, 2, 2])
        let (_, activations) = model.activations(for: images)
        let statistics = model.activationStatistics(on: testSet)
        let picture = ExplanationPicture.render(
            input: images[0], caption: "input",
            panels: [
                ExplanationPanel(title: "integrated gradients", attribution: ig.attributions[0], signed: true)
            ])
        try picture.writePNG(to: directory.appendingPathComponent("explanation.png").path)

        #expect(saliency.shape == images.shape && occlusion.shape == images.shape && ig.attributions.shape == images.shape)
        // An untrained model changes little from black to the image (F(x) − F(0) ≈ 0.1): the gap is small in absolute terms.
        #expect(ig.relativeDelta.count == 3 && ig.convergenceDelta.scalars.allSatisfy { abs($0) < 2e-3 })
        #expect(activations.names == ["0", "1", "2", "3"] && statistics.map(\.name) == ["0", "1", "2", "3"])
        #expect("\(statistics[2])".hasPrefix("2 (ReLU): mean "))
    }
}
