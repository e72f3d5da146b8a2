import Foundation
import Testing

/// Runs the example programs as a user would and checks what they print.
@Suite("Examples")
struct ExampleTests {
    /// The built executable `name`, which SwiftPM places beside the test bundle.
    func executable(_ name: String) throws -> URL {
        var directory = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name])
    }

    func run(_ name: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = try executable(name)
        process.arguments = arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    @Test func xorExampleDrivesTheLossBelowOneHundredth() throws {
        let result = try run("xor", ["--steps", "1000"])
        #expect(result.status == 0)
        let finalLine = try #require(result.output.split(separator: "\n").last { $0.hasPrefix("final loss ") })
        let loss = try #require(Double(finalLine.dropFirst("final loss ".count)))
        #expect(loss < 0.01)
    }

    @Test func xorExampleRejectsBadFlagsWithOneLine() throws {
        let result = try run("xor", ["--steps", "many"])
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.error == "xor: --steps expects a positive integer, got 'many'\n")
    }
}
