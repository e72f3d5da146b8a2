import NeuriteCore
import NeuriteData
import NeuriteNN
import NeuritePlot

/// One attribution map of an explanation picture.
public struct ExplanationPanel {
    /// The method's name, drawn above the map.
    public let title: String
    /// One example's attributions (the input's shape without the batch axis).
    public let attribution: Tensor
    /// Whether the attributions have a sign (diverging colours) or are magnitudes.
    public let signed: Bool
    /// A line drawn under the map (for example the convergence delta).
    public let note: String?

    /// A panel titled `title` drawing `attribution` (the input's shape), in red and blue when `signed`, with an optional note.
    public init(title: String, attribution: Tensor, signed: Bool, note: String? = nil) {
        self.title = title
        self.attribution = attribution
        self.signed = signed
        self.note = note
    }
}

/// Pictures of what a network looks at and what it learned.
public enum ExplanationPicture {
    /// The input, then one heat map per panel blended over it, side by side, with a legend:
    /// red where a feature raises the explained output, blue where it lowers it, colours
    /// saturating at the 98th percentile of each map's magnitudes.
    ///
    /// - Parameters:
    ///   - input: one example: `[1, H, W]`, `[H, W]`, `[C, H, W]` (channels averaged) or `[F]`
    ///     (drawn as a strip).
    ///   - caption: drawn under the input (for example the label and the prediction).
    public static func render(input: Tensor, caption: String, panels: [ExplanationPanel], title: String? = nil) -> Canvas {
        let (height, width, pixels) = plane(input)
        // Images about 224 pixels on their longer side; feature vectors as strips up to 900 wide.
        let zoom = height == 1 ? max(1, min(24, 900 / width)) : max(1, min(224 / max(height, width), 900 / width))
        let mapWidth = width * zoom, mapHeight = height * zoom
        let titles = [caption] + panels.map(\.title) + panels.compactMap(\.note)
        let cell = max(mapWidth, titles.map { Canvas.textWidth($0) }.max() ?? 0) + 24
        let top = title == nil ? 8 : 34
        var canvas = Canvas(width: cell * (panels.count + 1), height: top + mapHeight + 70)
        if let title { canvas.centeredText(title, x: canvas.width / 2, y: 8, scale: 2) }

        canvas.centeredText("input", x: cell / 2, y: top)
        Charts.drawGrayscale(pixels, height: height, width: width, into: &canvas, x: (cell - mapWidth) / 2, y: top + 14, zoom: zoom)
        canvas.centeredText(caption, x: cell / 2, y: top + 20 + mapHeight)
        for (index, panel) in panels.enumerated() {
            let values = plane(panel.attribution).values
            precondition(
                values.count == pixels.count,
                "ExplanationPicture: panel '\(panel.title)' has \(panel.attribution.shape) for an input of \(input.shape)")
            let left = cell * (index + 1)
            canvas.centeredText(panel.title, x: left + cell / 2, y: top)
            Charts.drawHeatMap(
                values, height: height, width: width, signed: panel.signed, scale: ColorMap.robustScale(values),
                background: pixels, into: &canvas, x: left + (cell - mapWidth) / 2, y: top + 14, zoom: zoom)
            if let note = panel.note { canvas.centeredText(note, x: left + cell / 2, y: top + 20 + mapHeight) }
        }
        let legendY = top + mapHeight + 40
        canvas.fill(x: 8, y: legendY, width: 12, height: 8, color: .red)
        canvas.text("raises the output", x: 24, y: legendY)
        canvas.fill(x: 150, y: legendY, width: 12, height: 8, color: .blue)
        canvas.text("lowers it (signed maps)", x: 166, y: legendY)
        canvas.text("full colour at the 98th percentile of |attribution|", x: 8, y: legendY + 14, color: .gray)
        return canvas
    }

    /// The weights of the first `units` units of a dense layer reading images, each drawn as an
    /// image (blue negative, red positive, scaled per unit): the patterns the units look for.
    public static func firstLayerWeights(_ layer: Dense, height: Int, width: Int, units: Int = 32) -> Canvas {
        precondition(
            layer.inFeatures == height * width, "firstLayerWeights: a layer with \(layer.inFeatures) inputs cannot read \(height)×\(width) images")
        let shown = min(units, layer.outFeatures)
        let weights = layer.weight.value.scalars
        let maps = (0..<shown).map { Array(weights[($0 * layer.inFeatures)..<(($0 + 1) * layer.inFeatures)]) }
        return Charts.signedImageGrid(maps, height: height, width: width, captions: (0..<shown).map { "unit \($0)" })
    }

    /// The kernels of a convolution (`[out, in, kh, kw]`), the first `count` output channels, each
    /// averaged over its input channels and drawn blue–white–red scaled to its own largest
    /// weight: in a trained first layer, the edge and blob detectors the network learned.
    public static func filters(_ layer: Conv2D, count: Int = 32) -> Canvas {
        let weight = layer.weight.value
        let shown = min(count, layer.outChannels)
        let (height, width) = (weight.shape[2], weight.shape[3])
        let averaged = weight.mean(axis: 1).scalars
        let maps = (0..<shown).map { Array(averaged[($0 * height * width)..<(($0 + 1) * height * width)]) }
        return Charts.signedImageGrid(maps, height: height, width: width, captions: (0..<shown).map { "filter \($0)" })
    }

    /// One example's feature maps (`[C, h, w]`, a layer's output for it), the first `count`
    /// channels, each scaled to its own largest magnitude.
    public static func featureMaps(_ maps: Tensor, count: Int = 64) -> Canvas {
        precondition(maps.rank == 3, "featureMaps: expected one example's maps [C, h, w], got \(maps.shape)")
        let (shown, height, width) = (min(count, maps.shape[0]), maps.shape[1], maps.shape[2])
        let values = maps.scalars
        let planes = (0..<shown).map { Array(values[($0 * height * width)..<(($0 + 1) * height * width)]) }
        return Charts.signedImageGrid(planes, height: height, width: width, captions: (0..<shown).map { "channel \($0)" })
    }

    /// One example as a grayscale plane: `(height, width, values)`.
    static func plane(_ example: Tensor) -> (height: Int, width: Int, values: [Float]) {
        switch example.rank {
        case 1: return (1, example.shape[0], example.scalars)
        case 2: return (example.shape[0], example.shape[1], example.scalars)
        case 3:
            let averaged = example.shape[0] == 1 ? example : example.mean(axis: 0, keepDims: true)
            return (example.shape[1], example.shape[2], averaged.scalars)
        default:
            preconditionFailure("ExplanationPicture: cannot draw an example of shape \(example.shape); expected [F], [H, W] or [C, H, W]")
        }
    }
}

extension ExplanationPicture {
    /// The `count` images of `data` (`[N, C, H, W]` inputs) on which a unit of `layer` responds
    /// most, strongest first, each captioned with its index and the unit's activation.
    public static func topActivatingExamples(of model: Module, layer: String, unit: Int, in data: TensorDataset, count: Int = 16) -> Canvas {
        topActivatingExamples(model.topActivatingExamples(layer: layer, unit: unit, in: data, count: count), in: data)
    }

    /// The examples `top` of `data` (`[N, C, H, W]` inputs), as `Module.topActivatingExamples`
    /// lists them, captioned with index and activation.
    public static func topActivatingExamples(_ top: [(index: Int, activation: Float)], in data: TensorDataset) -> Canvas {
        precondition(data.inputs.rank == 4, "topActivatingExamples: pictures need image inputs [N, C, H, W], got \(data.inputs.shape)")
        let images = data.inputs.indexSelect(axis: 0, indices: top.map(\.index))
        let captions = top.map { "#\($0.index) \(Charts.shortNumber(Double($0.activation)))" }
        return Charts.imageGrid(images, captions: captions)
    }
}
