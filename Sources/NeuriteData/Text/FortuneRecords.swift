import Foundation

/// Reading Debian's fortune files: the records between lines that are exactly `%`, cleaned the way
/// the data sets' reference scripts clean them (`../shared/datasets/text/make_langid.py`).
enum FortuneRecords {
    /// The cleaned records of the file at `path`, in file order; blank records are left out.
    /// Cleaning, in order: CR/CRLF line ends become LF; ANSI colour escapes are removed; nroff
    /// overstrikes (`c⌫c`, `_⌫c`) keep the struck character; control characters other than tab
    /// and newline are removed; UTF-8 that was read as Latin-1 (`Ã¶`) is repaired; NFC.
    static func read(_ path: String) throws(DataError) -> [[Unicode.Scalar]] {
        let bytes: Data
        do { bytes = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw DataError(file: path, "cannot be read: \(error.localizedDescription)")
        }
        // Every file in Debian 12 is valid UTF-8; Latin-1 is the reference's fallback.
        let text = String(validating: bytes, as: UTF8.self) ?? String(bytes.map { Character(Unicode.Scalar($0)) })
        var scalars = Array(text.unicodeScalars)
        scalars = normalizingLineEnds(scalars)
        var records: [[Unicode.Scalar]] = []
        var current: [ArraySlice<Unicode.Scalar>] = []
        for line in scalars.split(separator: "\n", omittingEmptySubsequences: false) {
            if PythonText.trimmingTrailingSpace(line).elementsEqual(["%"]) {
                records.append(joinedLines(current))
                current = []
            } else {
                current.append(line)
            }
        }
        records.append(joinedLines(current))
        return records.compactMap { record in
            let cleaned = nfc(repairingMojibake(removingControls(removingOverstrikes(removingANSIEscapes(record)))))
            return PythonText.isBlank(cleaned) ? nil : cleaned
        }
    }

    private static func joinedLines(_ lines: [ArraySlice<Unicode.Scalar>]) -> [Unicode.Scalar] {
        Array(lines.joined(separator: ["\n"]))
    }

    /// `\r\n` and lone `\r` become `\n`.
    static func normalizingLineEnds(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if text[i] == "\r" {
                result.append("\n")
                if i + 1 < text.count && text[i + 1] == "\n" { i += 1 }
            } else {
                result.append(text[i])
            }
            i += 1
        }
        return result
    }

    /// Removes `ESC [ digits-or-semicolons letter` (the regular expression `\x1b\[[0-9;]*[A-Za-z]`).
    static func removingANSIEscapes(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if text[i] == "\u{1B}" && i + 1 < text.count && text[i + 1] == "[" {
                var j = i + 2
                while j < text.count && (text[j] == ";" || ("0"..."9").contains(text[j])) { j += 1 }
                if j < text.count && (("A"..."Z").contains(text[j]) || ("a"..."z").contains(text[j])) {
                    i = j + 1
                    continue
                }
            }
            result.append(text[i])
            i += 1
        }
        return result
    }

    /// Removes every character followed by a backspace (not a newline), pass after pass, as
    /// `while re.search(".\x08", s): s = re.sub(".\x08", "", s)` does: `_⌫x` and `x⌫x` keep `x`.
    static func removingOverstrikes(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var text = text
        while true {
            var result: [Unicode.Scalar] = []
            result.reserveCapacity(text.count)
            var i = 0
            var changed = false
            while i < text.count {
                if i + 1 < text.count && text[i + 1] == "\u{08}" && text[i] != "\n" {
                    i += 2
                    changed = true
                } else {
                    result.append(text[i])
                    i += 1
                }
            }
            if !changed { return text }
            text = result
        }
    }

    /// Removes U+0000–U+0008, U+000B–U+001F and U+007F (tab and newline stay).
    static func removingControls(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        text.filter { c in !(c.value <= 0x08 || (0x0B...0x1F).contains(c.value) || c.value == 0x7F) }
    }

    /// `Â` or `Ã` followed by U+0080–U+00BF is a two-byte UTF-8 sequence read as Latin-1: the pair
    /// becomes the one character it encoded (`Ã¶` → `ö`).
    static func repairingMojibake(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            let lead = text[i].value
            if (lead == 0xC2 || lead == 0xC3) && i + 1 < text.count && (0x80...0xBF).contains(text[i + 1].value) {
                result.append(Unicode.Scalar((lead & 0x1F) << 6 | (text[i + 1].value & 0x3F))!)
                i += 2
            } else {
                result.append(text[i])
                i += 1
            }
        }
        return result
    }

    static func nfc(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // Pure ASCII is already NFC; most records are.
        if text.allSatisfy(\.isASCII) { return text }
        return Array(text.string.precomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// The record without its attribution: when one of the last four lines (never the first)
    /// starts, after blanks, with `--` or `---` and something that is not a blank, and only blank
    /// or indented lines follow it, that line and the rest are cut. Returns nil when there is none.
    static func strippingAttribution(_ record: [Unicode.Scalar]) -> [Unicode.Scalar]? {
        var end = record.count
        while end > 0 && PythonText.isSpace(record[end - 1]) { end -= 1 }
        let lines = record[..<end].split(separator: "\n", omittingEmptySubsequences: false)
        var k = lines.count - 1
        while k > max(0, lines.count - 5) {
            if isAttribution(lines[k]) {
                let tailIsIndented = lines[(k + 1)...].allSatisfy { line in
                    PythonText.isBlank(line) || line.first == " " || line.first == "\t"
                }
                return tailIsIndented ? joinedLines(Array(lines[..<k])) : nil
            }
            k -= 1
        }
        return nil
    }

    /// The regular expression `^\s*-{2,3}\s*\S`: after blanks, two hyphens and then (after blanks)
    /// something, or three or more hyphens.
    private static func isAttribution(_ line: ArraySlice<Unicode.Scalar>) -> Bool {
        var rest = line.drop(while: PythonText.isSpace)
        let hyphens = rest.prefix { $0 == "-" }.count
        guard hyphens >= 2 else { return false }
        if hyphens >= 3 { return true }
        rest = rest.dropFirst(2).drop(while: PythonText.isSpace)
        return !rest.isEmpty
    }

    /// The first `limit` characters, cut back to the last space when that space is within
    /// `slack` characters of the limit.
    static func truncated(_ text: [Unicode.Scalar], limit: Int, slack: Int) -> [Unicode.Scalar] {
        guard text.count > limit else { return text }
        let cut = text[..<limit]
        if let space = cut.lastIndex(of: " "), space >= limit - slack { return Array(cut[..<space]) }
        return Array(cut)
    }

    /// The de-duplication key: the lower-cased text with everything but letters and digits removed
    /// (`re.sub(r"[\W_]+", "", text.lower())`).
    static func deduplicationKey(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        PythonText.lowercased(text).filter(PythonText.isAlphanumeric)
    }
}
