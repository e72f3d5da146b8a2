/// Python's `str` character classes and case mapping, on Unicode scalars (Python's `len` and
/// slicing count code points, not Swift `Character`s). The built-in text data sets are defined by
/// Python scripts; these rules make Neurite's readers produce the same bytes.
enum PythonText {
    /// `str.isalpha()`: general category Lu, Ll, Lt, Lm or Lo.
    static func isAlpha(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    /// `str.isalnum()`: a letter, or a character with a numeric value (decimal, digit or numeric).
    static func isAlphanumeric(_ c: Unicode.Scalar) -> Bool { isAlpha(c) || c.properties.numericType != nil }

    /// `str.isspace()`: the characters `str.split()` splits at (Unicode's White_Space plus the
    /// four separators U+001C–U+001F).
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// `str.lower()`: full lower-case mappings (`İ` → `i̇`), with Σ → ς at the end of a word.
    static func lowercased(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.count)
        for (i, c) in text.enumerated() {
            if c.value == 0x3A3 {
                result.append(isFinalSigma(text, at: i) ? "\u{3C2}" : "\u{3C3}")
            } else if c.isASCII {
                result.append(c.value >= 0x41 && c.value <= 0x5A ? Unicode.Scalar(c.value + 32)! : c)
            } else {
                result.append(contentsOf: c.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return result
    }

    /// Unicode's Final_Sigma context, as Python tests it: a cased letter before (skipping
    /// case-ignorable characters) and none after.
    private static func isFinalSigma(_ text: [Unicode.Scalar], at index: Int) -> Bool {
        var j = index - 1
        while j >= 0 && text[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0 && text[j].properties.isCased else { return false }
        j = index + 1
        while j < text.count && text[j].properties.isCaseIgnorable { j += 1 }
        return j == text.count || !text[j].properties.isCased
    }

    /// `str.split()`: the runs between whitespace, none empty.
    static func words(_ text: some Collection<Unicode.Scalar>) -> [ArraySlice<Unicode.Scalar>] {
        Array(text).split(whereSeparator: isSpace)
    }

    /// `" ".join(text.split())`: whitespace runs collapsed to one space, none at the ends.
    static func collapsingWhitespace(_ text: some Collection<Unicode.Scalar>) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        for word in words(text) {
            if !result.isEmpty { result.append(" ") }
            result.append(contentsOf: word)
        }
        return result
    }

    /// `str.strip()` is empty.
    static func isBlank(_ text: some Collection<Unicode.Scalar>) -> Bool { text.allSatisfy(isSpace) }

    /// `str.rstrip()`.
    static func trimmingTrailingSpace(_ text: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        var end = text.endIndex
        while end > text.startIndex && isSpace(text[end - 1]) { end -= 1 }
        return text[text.startIndex..<end]
    }
}

extension Array where Element == Unicode.Scalar {
    init(_ string: String) { self = Array(string.unicodeScalars) }

    var string: String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: self)
        return String(view)
    }
}

extension ArraySlice where Element == Unicode.Scalar {
    var string: String { Array(self).string }
}
