import Foundation
import Testing

/// Every Swift code block of README.md and of the documentation catalog compiles and runs: each is
/// found line for line in the `doc-snippets` example (Examples/doc-snippets), which the tests run.
/// A block meant not to be compiled there says so on the line before its fence with
/// `<!-- snippet: why -->` (the package manifest of Getting Started, which .ci/run builds instead,
/// and the MPI program of Distributed training, which needs the MPI trait).
@Suite("Documentation snippets")
struct DocumentationSnippetTests {
    struct Block: CustomStringConvertible {
        let page: String, line: Int, lines: [String]
        var description: String { "\(page):\(line) (\(lines.first ?? ""))" }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The pages: the README and every article of the catalog.
    static func pages() throws -> [URL] {
        let catalog = root.appendingPathComponent("Sources/Neurite/Neurite.docc")
        let articles = try FileManager.default.contentsOfDirectory(atPath: catalog.path).filter { $0.hasSuffix(".md") }.sorted()
        return [root.appendingPathComponent("README.md")] + articles.map { catalog.appendingPathComponent($0) }
    }

    /// A line as compared: without indentation, runs of spaces as one (the snippet files keep the
    /// documentation's formatting, but a block may sit deeper inside a function there).
    static func normalized(_ line: Substring) -> String {
        line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// Lines that carry no code to compare: blank lines and the `import` a page's block starts with.
    static func isCode(_ line: String) -> Bool { !line.isEmpty && !line.hasPrefix("import ") }

    /// The Swift blocks of `page` that are meant to compile, and the count of those marked not to.
    static func blocks(of page: URL) throws -> (compiled: [Block], marked: Int) {
        let lines = try String(contentsOf: page, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var compiled: [Block] = [], marked = 0
        var index = 0
        while index < lines.count {
            guard lines[index].trimmingCharacters(in: .whitespaces) == "```swift" else {
                index += 1
                continue
            }
            let start = index
            var body: [String] = []
            index += 1
            while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces) != "```" {
                body.append(normalized(lines[index]))
                index += 1
            }
            index += 1
            if start > 0, lines[start - 1].hasPrefix("<!-- snippet:") {
                marked += 1
            } else {
                compiled.append(Block(page: page.lastPathComponent, line: start + 1, lines: body.filter(isCode)))
            }
        }
        return (compiled, marked)
    }

    /// The code lines of each file of the doc-snippets example.
    static func snippetFiles() throws -> [[String]] {
        let directory = root.appendingPathComponent("Examples/doc-snippets")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".swift") }.map {
            try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8).split(separator: "\n").map(normalized).filter(isCode)
        }
    }

    static func contains(_ haystack: [String], _ needle: [String]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return needle.isEmpty }
        return (0...(haystack.count - needle.count)).contains { start in haystack[start..<start + needle.count].elementsEqual(needle) }
    }

    @Test func everySwiftBlockOfTheDocumentationIsInTheCompiledSnippets() throws {
        let files = try Self.snippetFiles()
        var checked = 0, marked = 0
        for page in try Self.pages() {
            let (blocks, skipped) = try Self.blocks(of: page)
            marked += skipped
            if page.lastPathComponent != "README.md" {
                #expect(!blocks.isEmpty, "\(page.lastPathComponent) has no compiled Swift block")
            }
            for block in blocks {
                #expect(files.contains { Self.contains($0, block.lines) }, "not in Examples/doc-snippets, or changed there: \(block)")
                checked += 1
            }
        }
        #expect(checked >= 20, "only \(checked) blocks found: is the extraction broken?")
        #expect(marked == 2, "two blocks (the package manifest, the MPI program) are marked as not compiled here, found \(marked)")
    }

    /// The comparison itself: a changed line, a line from elsewhere or a reordering is not found.
    @Test func aChangedBlockIsNotFound() {
        let file = ["let a = 1", "let b = a + 1", "print(b)"]
        #expect(Self.contains(file, ["let b = a + 1", "print(b)"]))
        #expect(!Self.contains(file, ["let b = a + 2", "print(b)"]))
        #expect(!Self.contains(file, ["print(b)", "let b = a + 1"]))
        #expect(Self.normalized("    let  x =   1   // note") == "let x = 1 // note")
    }

    @Test func theSnippetsRunToTheEnd() throws {
        let run = try ExampleTests().run("doc-snippets", [])
        #expect(run.status == 0, "\(run.error)")
        for page in [
            "readme", "getting-started", "coming-from-pytorch", "coming-from-keras", "training", "data", "saving-and-loading",
            "writing-your-own-layer", "interpretability",
        ] {
            #expect(run.output.contains("page \(page): ok\n"), "page \(page) did not finish: \(run.error)")
        }
        #expect(run.output.contains("Restoring model weights from the end of the best epoch"))
        #expect(try ExampleTests().run("doc-snippets", ["no-such-page"]).status == 2)
    }
}
