import Foundation
import Neurite

// Every Swift code block of README.md and of the documentation catalog
// (Sources/Neurite/Neurite.docc), copied verbatim into one function per page, with the few lines
// a block assumes (a model, some images) written before it. DocumentationSnippetTests checks that
// each block is found here line for line, and runs this program: the documentation's code compiles
// and runs. `doc-snippets PAGE…` runs only those pages.

let pages: [(name: String, run: () throws -> Void)] = [
    ("readme", readme), ("overview", overview), ("getting-started", gettingStarted),
    ("coming-from-pytorch", comingFromPyTorch), ("coming-from-keras", comingFromKeras), ("training", training),
    ("data", data), ("saving-and-loading", savingAndLoading), ("writing-your-own-layer", writingYourOwnLayer),
    ("interpretability", interpretability), ("distributed-training", distributedTraining),
]

let chosen = Set(CommandLine.arguments.dropFirst())
let unknown = chosen.subtracting(pages.map(\.name))
guard unknown.isEmpty else {
    FileHandle.standardError.write("doc-snippets: unknown page(s) \(unknown.sorted()); pages: \(pages.map(\.name))\n".data(using: .utf8)!)
    exit(2)
}
// The snippets write files (model.safetensors, table.csv …) into the working directory.
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-doc-snippets-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
guard FileManager.default.changeCurrentDirectoryPath(directory.path) else { fatalError("doc-snippets: cannot enter \(directory.path)") }
for page in pages where chosen.isEmpty || chosen.contains(page.name) {
    try page.run()
    print("page \(page.name): ok")
}
