import Foundation
import NeuriteData
import Testing

@Suite("Text file reader")
struct TextFileReaderTests {
    func write(_ content: String, named name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
        return url.path
    }

    @Test func readsTabSeparatedLinesWithOrWithoutAHeader() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = try write("spam\tBuy now!\r\n\n ham \tSee you\tat noon\n", named: "a.tsv", in: directory)
        #expect(try TextFileReader.read(plain).map { [$0.label, $0.text] } == [["spam", "Buy now!"], ["ham", "See you\tat noon"]])
        let headed = try write("label\tsource\ttext\nen\tfile\tHello there\n", named: "b.tsv", in: directory)
        #expect(try TextFileReader.read(headed).map(\.text) == ["Hello there"])
        // What Neurite writes, it reads.
        let examples = [TextExample(label: "de", source: "de/x", text: "Guten Tag"), TextExample(label: "en", source: "en", text: "Hi")]
        let written = try write(TextDataSplit.tsv(examples), named: "c.tsv", in: directory)
        #expect(
            try TextFileReader.read(written)
                == examples.map { TextExample(label: $0.label, source: $0.source, text: $0.text) }.enumerated().map {
                    TextExample(label: $1.label, source: "line \($0 + 2)", text: $1.text)
                })
    }

    @Test func readsQuotedCSV() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write("label,text\npos,\"Great, \"\"really\"\" great\nfilm\"\nneg,bad\n", named: "reviews.csv", in: directory)
        let examples = try TextFileReader.read(path)
        #expect(examples.map(\.label) == ["pos", "neg"])
        #expect(examples[0].text == "Great, \"really\" great\nfilm" && examples[1].source == "line 4")
    }

    @Test func readsOneDirectoryPerClass() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try write("first", named: "pos/1.txt", in: directory)
        _ = try write("second", named: "pos/2.txt", in: directory)
        _ = try write("third", named: "neg/a.txt", in: directory)
        _ = try write("hidden", named: "neg/.DS_Store", in: directory)
        let examples = try TextFileReader.read(directory.path)
        #expect(examples.map { "\($0.label):\($0.text)" } == ["neg:third", "pos:first", "pos:second"])
    }

    @Test(arguments: [
        ("bad.tsv", "spam\tok\nno tab here\n", "line 2: expected label<TAB>text, found no tab"),
        ("bad.tsv", "\tno label\n", "line 1: the label is empty"),
        ("bad.csv", "a,\"never closed\n", "line 1: a quoted field is never closed"),
        ("bad.csv", "a,b,c\n", "line 1: expected 2 fields (label,text), found 3"),
        ("empty.tsv", "\n\n", "holds no labelled texts"),
    ])
    func badFilesNameTheLine(name: String, content: String, message: String) throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write(content, named: name, in: directory)
        #expect {
            try TextFileReader.read(path)
        } throws: { error in
            "\(error)".contains(message) && "\(error)".contains(name)
        }
    }

    @Test func invalidUTF8NamesTheByte() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("latin1.tsv").path
        try Data([0x61, 0x09, 0x63, 0x61, 0x66, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: path))
        #expect {
            try TextFileReader.read(path)
        } throws: { error in
            "\(error)".contains("byte 5") && "\(error)".contains("not UTF-8")
        }
        #expect(throws: DataError.self) { try TextFileReader.read(directory.appendingPathComponent("missing.tsv").path) }
    }
}
