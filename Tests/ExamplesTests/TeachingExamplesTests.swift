import Foundation
import Testing

/// The teaching examples, run on small settings.
@Suite("Teaching examples")
struct TeachingExamplesTests {
    let examples = ExampleTests()

    @Test func aHiddenLayerSeparatesSpiralsWhereLinearModelsCannot() throws {
        let run = try examples.run("spirals", ["--points", "60", "--epochs", "150"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.hasSuffix("a hidden layer with a nonlinearity: separates the spirals\n"), "\(run.output)")
    }

    @Test func widerHiddenLayersApproximateBetter() throws {
        let plot = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-approximation-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: plot) }
        let run = try examples.run("approximation", ["--widths", "1,16", "--epochs", "300", "--plot", plot])
        #expect(run.status == 0, "\(run.error)")
        let png = [UInt8](try #require(FileManager.default.contents(atPath: plot)))
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47] && png[16..<24].elementsEqual([0, 0, 4, 176, 0, 0, 1, 164]))  // 1200 × 420
        let rows = run.output.split(separator: "\n").suffix(2).map { $0.split(separator: " ").compactMap { Double($0) } }
        #expect(rows.count == 2 && rows[0].count == 4 && rows[1].count == 4)
        #expect(rows[1][1] < rows[0][1], "sin error should shrink with width: \(run.output)")
    }

    @Test func gradientTableShowsVanishingAndItsCures() throws {
        let run = try examples.run("gradients", ["--depth", "12"])
        #expect(run.status == 0, "\(run.error)")
        func firstLayerNorm(_ name: String) -> Double? {
            run.output.split(separator: "\n").first { $0.hasPrefix(name) }.flatMap { line in
                line.dropFirst(name.count).split(separator: " ").first.flatMap { Double($0) }
            }
        }
        let plain = try #require(firstLayerNorm("sigmoid, plain")), residual = try #require(firstLayerNorm("sigmoid, residual"))
        let normalized = try #require(firstLayerNorm("sigmoid, batch norm"))
        #expect(plain < 1e-3 * residual && plain < 1e-3 * normalized, "\(run.output)")
        #expect(try examples.run("gradients", ["--depth", "x"]).status == 2)
    }
}
