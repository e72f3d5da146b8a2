import Foundation
import Testing

/// The three programs a new user writes first, as example targets: regression from a CSV file, a
/// layer of one's own with a hand-written loop, fine-tuning with an explanation picture.
@Suite("First-day programs")
struct FirstDayProgramsTests {
    let examples = ExampleTests()

    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("neurite-first-day-\(UUID().uuidString)").path
    }

    /// The number after `prefix` on the first line that has it.
    func number(after prefix: String, in output: String) -> Double? {
        output.split(separator: "\n").lazy.compactMap { line -> Double? in
            guard let range = line.range(of: prefix) else { return nil }
            return line[range.upperBound...].split(separator: " ").first.flatMap { Double($0) }
        }.first
    }

    @Test func csvRegressionStopsEarlyAndReloadsIdentically() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try examples.run("csv-regression", ["--output", directory])
        #expect(run.status == 0, "\(run.error)")
        let validation = try #require(number(after: "validation MAE ", in: run.output))
        let test = try #require(number(after: "test MAE ", in: run.output))
        // The noise alone costs 0.08; a model that ignored a feature would be far above 0.2.
        #expect(validation < 0.15 && test < 0.15, "\(run.output)")
        #expect(run.output.contains("Restoring model weights from the end of the best epoch"), "\(run.output)")
        #expect(run.output.contains("identical predictions on 400 raw test rows"))
        #expect(FileManager.default.fileExists(atPath: "\(directory)/houses.safetensors"))
        #expect(FileManager.default.fileExists(atPath: "\(directory)/houses.csv"))
        #expect(try examples.run("csv-regression", ["--rows", "5"]).status == 2)
    }

    @Test func aCustomLayerTrainsByHandAndIsSavedAndRebuilt() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try examples.run("custom-layer", ["--epochs", "5", "--output", directory])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("gradient check of RMSNorm: passed"))
        let lastEpoch = try #require(run.output.split(separator: "\n").last { $0.hasPrefix("epoch  5") })
        let accuracy = try #require(number(after: "test accuracy ", in: String(lastEpoch)))
        #expect(accuracy >= 0.95, "\(run.output)")
        #expect(run.output.contains("(2): RMSNorm(128)") && run.output.contains("identical predictions"), "\(run.output)")
    }

    @Test func fineTuningBeatsScratchAndDrawsAnExplanation() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try examples.run("fine-tuning", ["--output", directory])
        #expect(run.status == 0, "\(run.error)")
        let line = run.output.replacingOccurrences(of: ",", with: "")
        let fineTuned = try #require(number(after: "fine-tuned ", in: line)), scratch = try #require(number(after: "from scratch ", in: line))
        #expect(fineTuned >= 0.95 && fineTuned > scratch + 0.05, "\(run.output)")
        #expect(run.output.contains("fine-tuning 22 of "), "only the new head trains: \(run.output)")
        let png = [UInt8](try #require(FileManager.default.contents(atPath: "\(directory)/explanation.png")))
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }
}
