import Foundation
import NeuriteCore
import Testing

@testable import NeuritePlot

/// The width and height in a PNG file's IHDR chunk, or nil if the signature is wrong.
func pngSize(_ path: String) -> (width: Int, height: Int)? {
    guard let data = FileManager.default.contents(atPath: path), data.count > 24 else { return nil }
    let bytes = [UInt8](data)
    guard Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
    func int(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
    return (int(16), int(20))
}

@Suite("Pictures")
struct PlotTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-plot-\(UUID().uuidString)")

    @Test func canvasDrawsAndWritesValidPNGs() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var canvas = Canvas(width: 40, height: 20)
        canvas.line(from: (0, 0), to: (39, 19), color: .red)
        #expect(canvas.color(x: 0, y: 0) == .red && canvas.color(x: 39, y: 19) == .red && canvas.color(x: 39, y: 0) == .white)
        canvas.text("A1", x: 0, y: 10)
        #expect(canvas.color(x: 0, y: 11) == .black)  // the left stroke of the A
        #expect(Canvas.textWidth("A1") == 11 && Canvas.textWidth("A1", scale: 2) == 22)
        let path = directory.appendingPathComponent("canvas.png").path
        try canvas.writePNG(to: path)
        #expect(pngSize(path)! == (40, 20))
        #expect(throws: FileError.self) { try canvas.writePNG(to: "/nonexistent-directory/x.png") }
        // Read back as grayscale: white background 1, the black text 0, the red line in between.
        let gray = try PNGReader.readGrayscale(path)
        #expect(gray.shape == [1, 20, 40])
        #expect(gray.scalar(at: [0, 0, 39]) == 1 && gray.scalar(at: [0, 11, 0]) == 0)
        #expect((0.1...0.5).contains(gray.scalar(at: [0, 0, 0])))
        let notPNG = directory.appendingPathComponent("not.png").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: notPNG))
        #expect(throws: FileError.self) { _ = try PNGReader.readGrayscale(notPNG) }
    }

    /// A 3×2 16-bit grayscale PNG (no gAMA chunk) holding 0, 32896, 65535 / 1000, 50000, 12345,
    /// written by hand with zlib; libpng's 8-bit path would read 32896 as 0.729 (a gamma curve).
    static let sixteenBitGray: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x03, 0x00,
        0x00, 0x00, 0x02, 0x10, 0x00, 0x00, 0x00, 0x00, 0xE8, 0x8F, 0xE5, 0x85, 0x00, 0x00, 0x00, 0x16, 0x49, 0x44, 0x41, 0x54, 0x78,
        0x9C, 0x63, 0x60, 0x60, 0x68, 0x68, 0xF8, 0xFF, 0x9F, 0x81, 0xF9, 0xC5, 0xE1, 0x00, 0x03, 0x4B, 0x00, 0x24, 0xAC, 0x05, 0x66,
        0xB6, 0xE8, 0xA6, 0x04, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]

    /// Every printable ASCII character has a glyph of its own, 5 × 7 cells, with ink (but the
    /// space); a label such as "digit 8 -> 3: 42%" draws each character, small letters as small
    /// letters, and a character without a glyph falls back to its capital.
    @Test func theFontHasEveryPrintableASCIICharacter() {
        let printable = (32...126).map { Character(UnicodeScalar(UInt8($0))) }
        for character in printable {
            let rows = Font.glyphs[character]
            #expect(rows?.count == 7 && rows?.allSatisfy { $0.count == 5 && $0.allSatisfy { $0 == "#" || $0 == " " } } == true, "'\(character)'")
            #expect((character == " ") == (rows?.joined().contains("#") == false), "'\(character)' and its ink")
        }
        #expect(Set(printable.map { Font.glyphs[$0]!.joined(separator: "|") }).count == printable.count, "two characters share a glyph")
        func ink(_ text: String) -> [Bool] {
            var canvas = Canvas(width: Canvas.textWidth(text), height: 7)
            canvas.text(text, x: 0, y: 0)
            return (0..<7).flatMap { y in (0..<canvas.width).map { canvas.color(x: $0, y: y) == .black } }
        }
        let label = "digit 8 -> 3: 42%"
        for (index, character) in label.enumerated() where character != " " {
            var alone = Canvas(width: Canvas.textWidth(label), height: 7)
            alone.text(String(character), x: index * 6, y: 0)
            #expect(
                (0..<7).contains { y in (0..<5).contains { alone.color(x: index * 6 + $0, y: y) == .black } }, "'\(character)' draws nothing")
        }
        #expect(ink("a") != ink("A"), "small letters are their own glyphs")
        #expect(ink("é") == ink("É") && ink("é") == ink(" "), "no glyph, no capital with one: a space")
        #expect(ink("ß") == ink(" "))
    }

    @Test func sixteenBitPNGsReadTheStoredValues() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("gray16.png").path
        try Data(Self.sixteenBitGray).write(to: URL(fileURLWithPath: path))
        let gray = try PNGReader.readGrayscale(path)
        #expect(gray.shape == [1, 2, 3])
        let expected: [Float] = [0, 32896, 65535, 1000, 50000, 12345].map { $0 / 65535 }
        for (value, wanted) in zip(gray.scalars, expected) { #expect(abs(value - wanted) < 1e-6) }
    }

    @Test func chartsHaveTheirSizes() throws {
        let curves = Charts.learningCurves(
            loss: [1, 0.5], validationLoss: [1.1, nil], accuracy: [0.5, 0.7], validationAccuracy: [nil, nil], learningRate: [0.1, 0.1])
        #expect(curves.width == 1200 && curves.height == 420)
        let confusion = Charts.confusionMatrix([[5, 1], [0, 6]])
        #expect(confusion.width == 70 + 2 * 60 + 20)
        let grid = Charts.imageGrid(Tensor.uniform([10, 1, 8, 8], seed: 1), captions: Array(repeating: "X", count: 10), highlighted: [2], columns: 4)
        #expect(grid.width == 4 * (8 * 10 + 12) && grid.height == 3 * (8 * 10 + 24))
        #expect(Charts.shortNumber(0.123456) == "0.123" && Charts.shortNumber(0.0015) == "1.5E-3" && Charts.shortNumber(0) == "0")
    }
}
