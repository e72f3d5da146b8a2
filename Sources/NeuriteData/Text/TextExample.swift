/// One labelled text: its class name, where it came from, and the text.
public struct TextExample: Sendable, Hashable {
    /// The class, as written in the file.
    public var label: String
    /// The file the text came from (relative to the data set's directory), or any note of origin.
    public var source: String
    /// The text.
    public var text: String

    /// An example; `source` is free text (a file, a line), empty by default.
    public init(label: String, source: String = "", text: String) {
        self.label = label
        self.source = source
        self.text = text
    }
}

/// A text data set's training and test examples, with its class names.
public struct TextDataSplit: Sendable {
    /// The texts to train on.
    public var train: [TextExample]
    /// The texts to test on.
    public var test: [TextExample]
    /// The class names, sorted (by code point): label `i` of a model is `classes[i]`.
    public var classes: [String]
    /// How many records each cleaning rule dropped or changed (`"drop_short"`, …), for reports.
    public var counters: [String: Int]

    /// Training and test texts, with counters of what reading skipped.
    public init(train: [TextExample], test: [TextExample], counters: [String: Int] = [:]) {
        self.train = train
        self.test = test
        self.classes = Set((train + test).map(\.label)).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        self.counters = counters
    }

    /// Tab-separated lines `label<TAB>source<TAB>text` after a header line, as the reference
    /// scripts write them (texts hold no tabs or newlines).
    public static func tsv(_ examples: [TextExample]) -> String {
        var result = "label\tsource\ttext\n"
        for example in examples { result += "\(example.label)\t\(example.source)\t\(example.text)\n" }
        return result
    }
}
