import NeuriteCore

/// Colours for signed and unsigned values.
public enum ColorMap {
    /// Blue for negative, white for zero, red for positive: `t` in [−1, 1] (clamped).
    public static func diverging(_ t: Double) -> Color {
        let share = min(1, Swift.abs(t))
        return blend(.white, t < 0 ? .blue : .red, share)
    }

    /// `(1 − share) · a + share · b`, channel by channel.
    public static func blend(_ a: Color, _ b: Color, _ share: Double) -> Color {
        let s = max(0, min(1, share))
        func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) * (1 - s) + Double(y) * s).rounded()) }
        return Color(mix(a.red, b.red), mix(a.green, b.green), mix(a.blue, b.blue))
    }

    /// The value that maps to full colour: the `percentile`-th percentile of `|values|` (Captum's
    /// `outlier_perc = 2` is the 98th), so a few extreme values do not wash out the rest; 1 when
    /// every value is zero.
    public static func robustScale(_ values: [Float], percentile: Double = 98) -> Float {
        let magnitudes = values.map { Swift.abs($0) }.filter(\.isFinite).sorted()
        guard !magnitudes.isEmpty else { return 1 }
        let rank = Int((percentile / 100 * Double(magnitudes.count - 1)).rounded())
        let scale = magnitudes[max(0, min(magnitudes.count - 1, rank))]
        return scale > 0 ? scale : (magnitudes.last! > 0 ? magnitudes.last! : 1)
    }
}

extension Charts {
    /// Draws a `height × width` map of `values` (row-major) at `(x, y)`, each value a
    /// `zoom × zoom` square. Signed values use the diverging map (red positive, blue negative),
    /// others shade red by magnitude; both saturate at `scale`. With `background` (a grayscale
    /// image of the same size, any range), the colours are blended over a faded copy of it, so
    /// the map can be read against the input (Captum's `blended_heat_map`).
    public static func drawHeatMap(
        _ values: [Float], height: Int, width: Int, signed: Bool, scale: Float, background: [Float]? = nil,
        into canvas: inout Canvas, x left: Int, y top: Int, zoom: Int
    ) {
        precondition(values.count == height * width, "drawHeatMap: \(values.count) values for a \(height)×\(width) map")
        let gray = background.map { image -> [Float] in
            precondition(image.count == values.count, "drawHeatMap: a background of \(image.count) values for a \(height)×\(width) map")
            let (low, high) = (image.min() ?? 0, image.max() ?? 1)
            return image.map { high > low ? ($0 - low) / (high - low) : 0 }
        }
        for row in 0..<height {
            for column in 0..<width {
                let index = row * width + column
                let t = Double(values[index] / scale)
                var color: Color
                if let gray {
                    // The input at 40 % contrast on white, then the attribution's colour on top.
                    let level = UInt8(255 - 0.4 * 255 * Double(gray[index]))
                    let hue: Color = signed && t < 0 ? .blue : .red
                    color = ColorMap.blend(Color(level, level, level), hue, min(1, Swift.abs(t)))
                } else {
                    color = signed ? ColorMap.diverging(t) : ColorMap.blend(.white, .red, Swift.abs(t))
                }
                if !values[index].isFinite { color = .black }
                canvas.fill(x: left + column * zoom, y: top + row * zoom, width: zoom, height: zoom, color: color)
            }
        }
    }

    /// A grid of signed heat maps (`[N, H·W]` or `[N, 1, H, W]`), each scaled to its own largest
    /// magnitude, blue–white–red, with captions: weights of first-layer units, for example.
    public static func signedImageGrid(_ maps: [[Float]], height: Int, width: Int, captions: [String], columns: Int = 8) -> Canvas {
        let zoom = max(1, 84 / max(height, width))
        let (cellWidth, cellHeight) = (width * zoom + 12, height * zoom + 24)
        let rows = (maps.count + columns - 1) / columns
        var canvas = Canvas(width: max(1, min(maps.count, columns) * cellWidth), height: max(1, rows * cellHeight))
        for (index, map) in maps.enumerated() {
            let (left, top) = ((index % columns) * cellWidth + 6, (index / columns) * cellHeight + 4)
            let largest = map.map { Swift.abs($0) }.max() ?? 0
            drawHeatMap(
                map, height: height, width: width, signed: true, scale: largest > 0 ? largest : 1,
                into: &canvas, x: left, y: top, zoom: zoom)
            if index < captions.count {
                canvas.centeredText(captions[index], x: left + width * zoom / 2, y: top + height * zoom + 6)
            }
        }
        return canvas
    }
}
