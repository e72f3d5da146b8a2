import ArgumentParser
import Foundation
import Neurite

/// The `neurite` command-line tool.
@main
struct NeuriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neurite",
        abstract: "Train, evaluate and inspect neural networks.",
        subcommands: [Train.self, Evaluate.self, Predict.self, Explain.self, Activations.self, Summary.self, Import.self, Export.self, Bench.self],
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
                let line = oneLine(message)
                FileHandle.standardError.write(Data("neurite: \(line.hasPrefix("Error: ") ? String(line.dropFirst(7)) : line)\n".utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }

    /// The first line of a usage message, with a list of allowed values that follows it
    /// ("Please provide one of the following:" and bullets) joined onto it.
    static func oneLine(_ message: String) -> String {
        let lines = message.split(separator: "\n").map(String.init)
        guard let first = lines.first else { return message }
        let bullets = lines.dropFirst().prefix { $0.hasPrefix("  - ") }.map { $0.dropFirst(4) }
        return bullets.isEmpty ? first : first + " " + bullets.joined(separator: ", ")
    }

    /// A line on standard error that is not a failure (`neurite: note: …`), printed under
    /// `--quiet` too.
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("neurite: note: \(message)\n".utf8))
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
            FileHandle.standardError.write(Data("neurite: \(oneLine(describing: error))\n".utf8))
            throw ExitCode.failure
        }
    }

    /// An error in one line: Neurite's own errors describe themselves; anything else
    /// (Foundation's) is put in a few words.
    static func oneLine(describing error: Error) -> String {
        let isFoundations = type(of: error) is NSError.Type || String(reflecting: type(of: error)).hasPrefix("Foundation.")
        let message = isFoundations ? reason(error) : "\(error)"
        return message.split(separator: "\n", omittingEmptySubsequences: true).joined(separator: "; ")
    }
}
