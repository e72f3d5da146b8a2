import Foundation
import NeuriteCore
import NeuriteData
import NeuriteInterpret
import NeuriteNN
import NeuritePlot
import Testing

@Suite("Explanation pictures")
struct PictureTests {
    func roundTrip(_ canvas: Canvas) throws -> Tensor {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-explain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("picture.png").path
        try canvas.writePNG(to: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["picture.png"])
        return try PNGReader.readGrayscale(path)
    }

    @Test func panelsShowTheInputAndSignedColours() throws {
        // A 2×2 input; the map is positive at the first pixel, negative at the second.
        let input = Tensor([0, 1, 1, 0], shape: [1, 2, 2])
        let attribution = Tensor([1, -1, 0, 0], shape: [1, 2, 2])
        let canvas = ExplanationPicture.render(
            input: input, caption: "x",
            panels: [
                ExplanationPanel(title: "signed", attribution: attribution, signed: true),
                ExplanationPanel(title: "magnitude", attribution: abs(attribution), signed: false),
            ])
        // 2×2 pixels are drawn 112 times larger; three cells side by side.
        let zoom = 112, cell = 2 * zoom + 24
        #expect(canvas.width == 3 * cell && canvas.height == 8 + 2 * zoom + 70)
        let mapLeft = cell + 12, mapTop = 8 + 14
        let positive = canvas.color(x: mapLeft + zoom / 2, y: mapTop + zoom / 2)
        let negative = canvas.color(x: mapLeft + zoom + zoom / 2, y: mapTop + zoom / 2)
        let neutral = canvas.color(x: mapLeft + zoom / 2, y: mapTop + zoom + zoom / 2)
        #expect(positive == Color.red && negative == Color.blue)
        #expect(neutral.red == neutral.green && neutral.green == neutral.blue, "zero attribution shows the faded input: \(neutral)")
        let magnitude = canvas.color(x: 2 * cell + 12 + zoom + zoom / 2, y: mapTop + zoom / 2)
        #expect(magnitude == Color.red, "magnitudes are red whatever the sign")
        // The input itself in gray: pixel (0, 1) is the brightest.
        #expect(canvas.color(x: 12 + zoom + zoom / 2, y: mapTop + zoom / 2) == Color.white)
        let image = try roundTrip(canvas)
        #expect(image.shape == [1, canvas.height, canvas.width])
    }

    @Test func robustScaleIgnoresAFewOutliers() {
        var values = [Float](repeating: 1, count: 99)
        values.append(1000)
        #expect(ColorMap.robustScale(values) == 1)
        #expect(ColorMap.robustScale([0, 0]) == 1)
        #expect(ColorMap.robustScale([0, -3]) == 3)
        #expect(ColorMap.diverging(0) == .white && ColorMap.diverging(-2) == .blue && ColorMap.diverging(1) == .red)
    }

    @Test func firstLayerWeightsAreDrawnAsSignedImages() throws {
        let layer = Dense(4, 3)
        layer.weight.value = Tensor(rows: [[1, -1, 0, 0.5], [0, 0, 0, 0], [-2, 2, 2, -2]])
        let canvas = ExplanationPicture.firstLayerWeights(layer, height: 2, width: 2)
        let zoom = 42
        #expect(canvas.width == 3 * (2 * zoom + 12) && canvas.height == 2 * zoom + 24)
        #expect(canvas.color(x: 6, y: 4) == Color.red && canvas.color(x: 6 + zoom, y: 4) == Color.blue)
        #expect(canvas.color(x: 6 + 2 * zoom + 12, y: 4) == Color.white, "an all-zero unit is white")
        #expect(try roundTrip(canvas).shape == [1, canvas.height, canvas.width])
    }

    @Test func topActivatingExamplesAreDrawnStrongestFirst() throws {
        // Unit 0 reads the top-left pixel: the brightest such images come first.
        let layer = Dense(4, 1)
        layer.weight.value = Tensor(rows: [[1, 0, 0, 0]])
        layer.bias!.value = Tensor([0])
        let model = Sequential {
            Flatten()
            layer
        }
        let images = Tensor((0..<24).map { Float($0 % 4 == 0 ? $0 : 0) }, shape: [6, 1, 2, 2])
        let data = TensorDataset(inputs: images, targets: Tensor.zeros([6]))
        let top = model.topActivatingExamples(layer: "1", unit: 0, in: data, count: 3)
        #expect(top.map(\.index) == [5, 4, 3] && top.map(\.activation) == [20, 16, 12])
        let canvas = ExplanationPicture.topActivatingExamples(of: model, layer: "1", unit: 0, in: data, count: 3)
        #expect(canvas.width == 3 * (2 * 42 + 12) && canvas.height == 2 * 42 + 24)
        // Each image is scaled from its own range: its lit top-left pixel is white, the rest black.
        #expect(canvas.color(x: 6, y: 4) == Color.white && canvas.color(x: 6 + 42, y: 4) == Color.black)
        #expect(try roundTrip(canvas).shape == [1, canvas.height, canvas.width])
    }
}
