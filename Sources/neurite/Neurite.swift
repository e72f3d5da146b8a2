import ArgumentParser
import Foundation
import Neurite

/// The `neurite` command-line tool.
@main
struct NeuriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neurite",
        abstract: "Train, evaluate and inspect neural networks.",
        subcommands: [Train.self, Evaluate.self, Predict.self, Explain.self, Activations.self, Summary.self, Import.self],
        defaultSubcommand: nil)

    /// Parses and runs, reporting a usage mistake as one line on standard error (help and
    /// version requests print in full).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
            } else if !message.isEmpty {
                let line = message.split(separator: "\n").first.map(String.init) ?? message
                FileHandle.standardError.write(Data("neurite: \(line.hasPrefix("Error: ") ? String(line.dropFirst(7)) : line)\n".utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }

    /// Runs `body`, turning any thrown error into one line on standard error and exit status 1.
    static func reportingErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("neurite: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
