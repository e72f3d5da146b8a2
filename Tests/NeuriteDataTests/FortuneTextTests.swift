import Foundation
import Testing

@testable import NeuriteData

/// The fortune readers' cleaning rules, on small files with the answers of the reference scripts
/// (`../shared/datasets/text/make_langid.py`, functions `read_records`, `strip_attribution`,
/// `dedupe_key`, `truncate`). CI checks the full data sets' digests (`train-check text-data`).
@Suite("Fortune text data sets")
struct FortuneTextTests {
    @Test func recordsAreSplitAndCleanedAsTheReferenceDoes() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let raw =
            "First  record\r\nwith CRLF\r\n%  \r\n_\u{8}b_\u{8}o_\u{8}l_\u{8}d and X\u{8}X\u{8}XY\n%\n\u{1B}[1;32mgreen\u{1B}[0m text\u{7} \u{2}ctl\n%\n"
            + "Br\u{C3}\u{B6}nte and gi\u{C3}\u{B9} e\u{301}\n%%\n%\n   \n%\nA quote that goes on.\n\t\t-- Mark Twain\n"
        let path = directory.appendingPathComponent("sample").path
        try Data(raw.utf8).write(to: URL(fileURLWithPath: path))
        let records = try FortuneRecords.read(path).map(\.string)
        #expect(
            records == [
                "First  record\nwith CRLF", "bold and XY", "green text ctl", "Brönte and giù é\n%%",
                "A quote that goes on.\n\t\t-- Mark Twain\n",
            ])
        #expect(FortuneRecords.strippingAttribution(Array(records[4]))?.string == "A quote that goes on.")
        #expect(FortuneRecords.strippingAttribution(Array("Only one line\n-- not an attribution"))?.string == "Only one line")
        #expect(FortuneRecords.strippingAttribution(Array("-- first line only")) == nil)
        #expect(FortuneRecords.strippingAttribution(Array("Text\n-- Author\nnot indented")) == nil)
    }

    @Test func keysTruncationAndCharacterClassesFollowPython() {
        // Python's lower(): final sigma, İ → i + combining dot (then dropped as not alphanumeric).
        #expect(FortuneRecords.deduplicationKey(Array("ΟΔΟΣ Straße_x İ 12½ café")).string == "οδοςstraßexi12½café")
        let words = String(repeating: "word ", count: 60)
        #expect(FortuneRecords.truncated(Array(words), limit: 256, slack: 40).string == String(words.prefix(254)))
        #expect(FortuneRecords.truncated(Array(String(repeating: "a", count: 300)), limit: 256, slack: 40).count == 256)
        #expect(PythonText.collapsingWhitespace(Array(" a\u{A0}b \u{3000}\u{1F}c\t")).string == "a b c")
        #expect(PythonText.isAlpha("中") && PythonText.isAlpha("ß") && !PythonText.isAlpha("½") && PythonText.isAlphanumeric("½"))
    }

    @Test func sha1MatchesKnownVectors() {
        func hex(_ text: String) -> String { SHA1.digest(Array(text.utf8)).map { String(format: "%02x", $0) }.joined() }
        #expect(hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(hex(String(repeating: "a", count: 1000)) == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    }

    /// A topics directory in miniature: duplicates kept once, a text under two categories dropped
    /// from both, short texts dropped, every category file required.
    @Test func topicsDeduplicatesAndNamesMissingPackages() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: DataError.self) { try FortuneTexts.topics(directory: directory.path) }
        do {
            _ = try FortuneTexts.topics(directory: directory.path)
        } catch {
            #expect(error.description.contains("apt-get install fortunes fortunes-min"), "\(error)")
        }
        for category in FortuneTexts.topicCategories {
            var records = ["A \(category) fortune that is long enough.", "Too short", "Shared text found in two files."]
            if category == "art" { records.append("A art fortune that is LONG enough!") }  // same key as the first
            if category != "art" && category != "law" { records.removeLast() }
            try Data(records.joined(separator: "\n%\n").utf8).write(to: directory.appendingPathComponent(category))
        }
        let split = try FortuneTexts.topics(directory: directory.path)
        let all = split.train + split.test
        #expect(all.count == 15)
        #expect(split.classes == FortuneTexts.topicCategories.sorted())
        #expect(split.counters["drop_duplicate"] == 1 && split.counters["drop_cross_label_duplicate"] == 2 && split.counters["drop_short"] == 15)
        #expect(all.allSatisfy { $0.text.hasPrefix("A \($0.label) fortune") && $0.source == $0.label })
    }
}
