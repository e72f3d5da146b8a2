import NeuriteCore

/// Ready-made pictures of training: learning curves, a confusion matrix, image grids.
public enum Charts {
    /// One line of a chart.
    public struct Series: Sendable {
        /// The name in the legend.
        public let name: String
        /// One value per x (epoch); nil-free.
        public let values: [Double]
        /// The line's colour.
        public let color: Color
        /// Whether the line is dashed (validation curves).
        public let dashed: Bool
        /// A series of `values` named `name`.
        public init(_ name: String, _ values: [Double], color: Color, dashed: Bool = false) {
            self.name = name
            self.values = values
            self.color = color
            self.dashed = dashed
        }
    }

    /// A line chart of `series` against x = 1, 2, …, with axes, ticks, a title and a legend, drawn
    /// into `canvas` inside the rectangle (x, y, width, height); `markers` dots each point.
    public static func lineChart(
        _ series: [Series], title: String, xLabel: String, into canvas: inout Canvas,
        x left: Int, y top: Int, width: Int, height: Int, markers: Bool = true
    ) {
        let plotLeft = left + 52, plotTop = top + 24, plotWidth = width - 70, plotHeight = height - 60
        canvas.centeredText(title, x: left + width / 2, y: top + 6, scale: 2)
        let all = series.flatMap(\.values).filter(\.isFinite)
        guard let low = all.min(), let high = all.max(), let count = series.map(\.values.count).max(), count > 0 else { return }
        let span = high - low > 1e-12 ? high - low : 1
        // A little room above and below; no negative axis for data that cannot be negative.
        let yMin = low >= 0 ? max(0, low - 0.05 * span) : low - 0.05 * span
        let yMax = high + 0.05 * span
        func point(_ index: Int, _ value: Double) -> (Int, Int) {
            let px = plotLeft + (count == 1 ? plotWidth / 2 : index * plotWidth / (count - 1))
            let py = plotTop + plotHeight - Int((value - yMin) / (yMax - yMin) * Double(plotHeight))
            return (px, py)
        }
        // Grid lines and tick labels: five on y, up to ten on x.
        for tick in 0...4 {
            let value = yMin + (yMax - yMin) * Double(tick) / 4
            let (_, py) = point(0, value)
            canvas.line(from: (plotLeft, py), to: (plotLeft + plotWidth, py), color: .lightGray)
            let label = shortNumber(value)
            canvas.text(label, x: plotLeft - 6 - Canvas.textWidth(label), y: py - 3, color: .gray)
        }
        let stride = max(1, (count + 9) / 10)
        for index in Swift.stride(from: 0, to: count, by: stride) {
            let (px, _) = point(index, yMin)
            canvas.line(from: (px, plotTop + plotHeight), to: (px, plotTop + plotHeight + 4), color: .gray)
            canvas.centeredText("\(index + 1)", x: px, y: plotTop + plotHeight + 8, color: .gray)
        }
        canvas.frame(x: plotLeft, y: plotTop, width: plotWidth + 1, height: plotHeight + 1, color: .gray)
        canvas.centeredText(xLabel, x: plotLeft + plotWidth / 2, y: plotTop + plotHeight + 22)
        for line in series {
            let points = line.values.enumerated().filter { $0.element.isFinite }.map { point($0.offset, $0.element) }
            for (a, b) in zip(points, points.dropFirst()) { canvas.line(from: a, to: b, color: line.color, thickness: 2, dash: line.dashed ? 6 : 0) }
            if markers { for p in points { canvas.fill(x: p.0 - 2, y: p.1 - 2, width: 5, height: 5, color: line.color) } }
        }
        // Legend in the top-right corner of the plot.
        var legendY = plotTop + 8
        for line in series where !line.values.isEmpty {
            let legendX = plotLeft + plotWidth - 8 - Canvas.textWidth(line.name) - 26
            canvas.line(from: (legendX, legendY + 3), to: (legendX + 18, legendY + 3), color: line.color, thickness: 2, dash: line.dashed ? 6 : 0)
            canvas.text(line.name, x: legendX + 24, y: legendY)
            legendY += 14
        }
    }

    /// Learning curves as one picture: loss (training and validation), accuracy, and the learning
    /// rate, per epoch.
    public static func learningCurves(
        loss: [Double], validationLoss: [Double?], accuracy: [Double?], validationAccuracy: [Double?], learningRate: [Double]
    ) -> Canvas {
        var canvas = Canvas(width: 1200, height: 420)
        func present(_ values: [Double?]) -> [Double] { values.compactMap { $0 } }
        lineChart(
            [Series("train", loss, color: .blue), Series("validation", present(validationLoss), color: .orange, dashed: true)],
            title: "Loss", xLabel: "epoch", into: &canvas, x: 0, y: 0, width: 400, height: 420)
        lineChart(
            [Series("train", present(accuracy), color: .blue), Series("validation", present(validationAccuracy), color: .orange, dashed: true)],
            title: "Accuracy", xLabel: "epoch", into: &canvas, x: 400, y: 0, width: 400, height: 420)
        lineChart(
            [Series("learning rate", learningRate, color: .green)],
            title: "Learning rate", xLabel: "epoch", into: &canvas, x: 800, y: 0, width: 400, height: 420)
        return canvas
    }

    /// A confusion matrix as a heat map (white to blue by the share of each actual class), with
    /// the counts written in the cells; rows are actual classes, columns predicted ones.
    public static func confusionMatrix(_ matrix: [[Int]], labels: [String]? = nil) -> Canvas {
        let classes = matrix.count
        let cell = max(28, min(60, 600 / max(classes, 1)))
        let margin = 70
        var canvas = Canvas(width: margin + classes * cell + 20, height: margin + classes * cell + 40)
        canvas.centeredText("Confusion matrix", x: canvas.width / 2, y: 8, scale: 2)
        canvas.centeredText("predicted", x: margin + classes * cell / 2, y: 30)
        canvas.text("actual", x: 4, y: margin - 12)
        for row in 0..<classes {
            let total = max(1, matrix[row].reduce(0, +))
            let name = labels?[row] ?? "\(row)"
            canvas.text(name, x: margin - 6 - Canvas.textWidth(name), y: margin + row * cell + cell / 2 - 3)
            canvas.centeredText(labels?[row] ?? "\(row)", x: margin + row * cell + cell / 2, y: margin - 12)
            for column in 0..<classes {
                let share = Double(matrix[row][column]) / Double(total)
                let shade = Color(UInt8(255 - 224 * share), UInt8(255 - 136 * share), UInt8(255 - 75 * share))
                canvas.fill(x: margin + column * cell, y: margin + row * cell, width: cell, height: cell, color: shade)
                canvas.frame(x: margin + column * cell, y: margin + row * cell, width: cell + 1, height: cell + 1, color: .lightGray)
                canvas.centeredText(
                    "\(matrix[row][column])", x: margin + column * cell + cell / 2, y: margin + row * cell + cell / 2 - 3,
                    color: share > 0.5 ? .white : .black)
            }
        }
        return canvas
    }

    /// Grayscale images `[N, 1, H, W]` (values scaled from their own range) in a grid with a caption
    /// under each; images flagged in `highlighted` get a red frame.
    public static func imageGrid(_ images: Tensor, captions: [String], highlighted: Set<Int> = [], columns: Int = 8, scale: Int? = nil) -> Canvas {
        precondition(images.rank == 4, "imageGrid: expected images [N, C, H, W], got \(images.shape)")
        let (count, height, width) = (images.shape[0], images.shape[2], images.shape[3])
        let zoom = scale ?? max(1, 84 / max(height, width))
        let (cellWidth, cellHeight) = (width * zoom + 12, height * zoom + 24)
        let rows = (count + columns - 1) / columns
        var canvas = Canvas(width: max(1, min(count, columns) * cellWidth), height: max(1, rows * cellHeight))
        let values = images.scalars
        for index in 0..<count {
            let base = index * images.shape[1] * height * width
            let (left, top) = ((index % columns) * cellWidth + 6, (index / columns) * cellHeight + 4)
            drawGrayscale(values[base..<(base + height * width)], height: height, width: width, into: &canvas, x: left, y: top, zoom: zoom)
            if highlighted.contains(index) {
                canvas.frame(x: left - 3, y: top - 3, width: width * zoom + 6, height: height * zoom + 6, color: .red, thickness: 2)
            }
            if index < captions.count {
                canvas.centeredText(
                    captions[index], x: left + width * zoom / 2, y: top + height * zoom + 6,
                    color: highlighted.contains(index) ? .red : .black)
            }
        }
        return canvas
    }

    /// Draws a `height × width` grayscale image (row-major `values`, scaled from their own range:
    /// the lowest black, the highest white) at `(x, y)`, each value a `zoom × zoom` square.
    public static func drawGrayscale(
        _ values: some Collection<Float>, height: Int, width: Int, into canvas: inout Canvas, x left: Int, y top: Int, zoom: Int
    ) {
        let pixels = Array(values)
        precondition(pixels.count == height * width, "drawGrayscale: \(pixels.count) values for a \(height)×\(width) image")
        let (low, high) = (pixels.min() ?? 0, pixels.max() ?? 1)
        let range = high - low > 0 ? high - low : 1
        for y in 0..<height {
            for x in 0..<width {
                let level = UInt8(max(0, min(255, (pixels[y * width + x] - low) / range * 255)))
                canvas.fill(x: left + x * zoom, y: top + y * zoom, width: zoom, height: zoom, color: Color(level, level, level))
            }
        }
    }

    /// Short number labels: `0.85`, `1.2E-3`.
    public static func shortNumber(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude == 0 { return "0" }
        if magnitude >= 0.01 && magnitude < 1000 {
            let text = "\((value * 1000).rounded() / 1000)"
            return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
        }
        var exponent = 0, mantissa = magnitude
        while mantissa >= 10 {
            mantissa /= 10
            exponent += 1
        }
        while mantissa < 1 {
            mantissa *= 10
            exponent -= 1
        }
        return "\(value < 0 ? "-" : "")\((mantissa * 10).rounded() / 10)E\(exponent)"
    }
}
