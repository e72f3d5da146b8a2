import CLibPNG
import Foundation
import NeuriteCore

/// An RGB colour.
public struct Color: Sendable, Equatable {
    /// The colour's channels, 0–255.
    public var red: UInt8, green: UInt8, blue: UInt8
    /// A colour from its red, green and blue channels.
    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// White, black and the gray of axes.
    public static let white = Color(255, 255, 255), black = Color(0, 0, 0), gray = Color(150, 150, 150)
    /// The light gray of grids; blue and orange, matplotlib's first two series colours.
    public static let lightGray = Color(225, 225, 225), blue = Color(31, 119, 180), orange = Color(255, 127, 14)
    /// Green and red, matplotlib's third and fourth series colours.
    public static let green = Color(44, 160, 44), red = Color(214, 39, 40)
}

/// A picture in memory that can be drawn on and saved as PNG (through the system libpng).
public struct Canvas: Sendable {
    /// The size in pixels.
    public let width: Int, height: Int
    var pixels: [UInt8]

    /// A canvas of `width` × `height` pixels filled with `background`.
    public init(width: Int, height: Int, background: Color = .white) {
        precondition(width > 0 && height > 0, "Canvas: size \(width)×\(height) must be positive")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, color: background)
    }

    /// The colour of pixel (`x`, `y`), from the top left.
    public func color(x: Int, y: Int) -> Color {
        let i = (y * width + x) * 3
        return Color(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Sets pixel (`x`, `y`); pixels outside the canvas are ignored.
    public mutating func set(x: Int, y: Int, _ color: Color) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        pixels[i] = color.red
        pixels[i + 1] = color.green
        pixels[i + 2] = color.blue
    }

    /// Fills a rectangle, clipped to the canvas.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: Color) {
        for row in max(0, y)..<min(height, y + h) {
            for column in max(0, x)..<min(width, x + w) { set(x: column, y: row, color) }
        }
    }

    /// A rectangle outline `thickness` pixels wide.
    public mutating func frame(x: Int, y: Int, width w: Int, height h: Int, color: Color, thickness: Int = 1) {
        fill(x: x, y: y, width: w, height: thickness, color: color)
        fill(x: x, y: y + h - thickness, width: w, height: thickness, color: color)
        fill(x: x, y: y, width: thickness, height: h, color: color)
        fill(x: x + w - thickness, y: y, width: thickness, height: h, color: color)
    }

    /// A straight line (Bresenham), `thickness` pixels wide; `dash` > 0 draws dashes of that length.
    public mutating func line(from start: (Int, Int), to end: (Int, Int), color: Color, thickness: Int = 1, dash: Int = 0) {
        var (x, y) = start
        let (dx, dy) = (abs(end.0 - x), -abs(end.1 - y))
        let (sx, sy) = (x < end.0 ? 1 : -1, y < end.1 ? 1 : -1)
        var error = dx + dy, step = 0
        while true {
            if dash == 0 || (step / dash) % 2 == 0 {
                fill(x: x - thickness / 2, y: y - thickness / 2, width: thickness, height: thickness, color: color)
            }
            step += 1
            if x == end.0 && y == end.1 { break }
            let doubled = 2 * error
            if doubled >= dy {
                error += dy
                x += sx
            }
            if doubled <= dx {
                error += dx
                y += sy
            }
        }
    }

    /// The picture as the bytes of an 8-bit RGB PNG file.
    /// - Throws: `FileError` (file `<memory>`) when libpng cannot encode it.
    public func pngData() throws(FileError) -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        // The first call measures, the second writes.
        var size = 0
        let measured = pixels.withUnsafeBytes { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, Int32(width * 3), nil) }
        var bytes = [UInt8](repeating: 0, count: size)
        let written =
            measured != 0
            && bytes.withUnsafeMutableBytes { output in
                pixels.withUnsafeBytes { png_image_write_to_memory(&image, output.baseAddress, &size, 0, $0.baseAddress, Int32(width * 3), nil) }
            } != 0
        guard written else {
            let reason = withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw FileError(file: "<memory>", "cannot encode the PNG\(reason.isEmpty ? "" : ": \(reason)")")
        }
        return Array(bytes.prefix(size))
    }

    /// Writes the picture as an 8-bit RGB PNG, replacing `path` atomically.
    public func writePNG(to path: String) throws {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial").path
        let written = pixels.withUnsafeBytes { bytes in
            png_image_write_to_file(&image, temporary, 0, bytes.baseAddress, Int32(width * 3), nil)
        }
        guard written != 0, rename(temporary, path) == 0 else {
            let reason = withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            try? FileManager.default.removeItem(atPath: temporary)
            throw FileError(file: path, "cannot write the PNG\(reason.isEmpty ? "" : ": \(reason)")")
        }
    }
}
