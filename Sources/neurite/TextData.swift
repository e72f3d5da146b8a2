import ArgumentParser
import Foundation
import Neurite

/// How `neurite train` reads a text data set (`--dataset langid|topics|text:PATH`): tokenizer,
/// vocabulary and hashed n-grams. Unset options take the data set's defaults (`TextDefaults`).
struct TextOptions: ParsableArguments {
    @Option(help: "Text data: the longest word n-gram (1 words only, 2 adds bigrams; default 1).")
    var wordNgrams: Int?
    @Option(help: "Text data: character n-gram lengths of each word, MIN-MAX or none (default: 1-4 for langid, none otherwise).")
    var charNgrams: CharacterNgramRange?
    @Option(help: "Text data: hashed n-gram ids after the vocabulary (default 1048576 when n-grams are used).")
    var buckets: Int?
    @Option(help: "Text data: words seen fewer times in the training texts become <unk> (default 1).")
    var minCount: Int?
    @Option(help: "Text data: the width of each word's embedding (default 64).")
    var embeddingDim: Int?
    @Option(help: "Text data with --augment: the chance that a training text is edited each time it is drawn (default 0.8).")
    var augmentProbability: Double?
    @Option(help: "Text data with --augment: instead, N edited copies of each training text made once, beside the originals (EDA's protocol).")
    var augmentCopies: Int?

    static let maximumBuckets = 1 << 23

    func validate() throws {
        if let wordNgrams, !(1...5).contains(wordNgrams) { throw ValidationError("--word-ngrams must be between 1 and 5, got \(wordNgrams)") }
        if let buckets, !(1...Self.maximumBuckets).contains(buckets) {
            throw ValidationError("--buckets must be between 1 and \(Self.maximumBuckets), got \(buckets)")
        }
        if let minCount, minCount < 1 { throw ValidationError("--min-count must be at least 1, got \(minCount)") }
        if let embeddingDim, !(1...4096).contains(embeddingDim) {
            throw ValidationError("--embedding-dim must be between 1 and 4096, got \(embeddingDim)")
        }
        if let augmentProbability, !(0...1).contains(augmentProbability) {
            throw ValidationError("--augment-probability must be between 0 and 1, got \(augmentProbability)")
        }
        if let augmentCopies, !(1...64).contains(augmentCopies) {
            throw ValidationError("--augment-copies must be between 1 and 64, got \(augmentCopies)")
        }
        if augmentCopies != nil && augmentProbability != nil {
            throw ValidationError("--augment-copies makes copies once; --augment-probability edits texts as they are drawn: give one")
        }
    }

    /// The tokenizer for `dataset` and `architecture`. A convolution reads the words in order, so
    /// `textcnn` takes words alone (n-grams would follow them, out of order).
    func tokenizer(for dataset: DatasetSpec, architecture: ArchitectureChoice) throws -> Tokenizer {
        if architecture == .textcnn {
            if (wordNgrams ?? 1) > 1 || charNgrams?.lengths != nil {
                throw ValidationError("--architecture textcnn reads words in order; --word-ngrams and --char-ngrams are for fasttext")
            }
            return Tokenizer()
        }
        let characters = charNgrams.map(\.lengths) ?? (dataset.isLanguageIdentification ? 1...4 : nil)
        return Tokenizer(wordNgrams: wordNgrams ?? 1, characterNgrams: characters)
    }

    /// An encoder fitted to the training texts.
    func encoder(for dataset: DatasetSpec, architecture: ArchitectureChoice, fitting texts: [String]) throws -> TextEncoder {
        let tokenizer = try tokenizer(for: dataset, architecture: architecture)
        let usesNgrams = tokenizer.wordNgrams > 1 || tokenizer.characterNgrams != nil
        let buckets = usesNgrams ? (self.buckets ?? 1 << 20) : 0
        let vocabulary = Vocabulary(counting: texts.lazy.map(tokenizer.words), minimumCount: minCount ?? 1)
        guard vocabulary.count + buckets <= 1 << 24 else {
            throw CommandError(
                "\(dataset): \(vocabulary.count) distinct words and \(buckets) buckets exceed the 16,777,216 ids a table can have; raise --min-count or lower --buckets"
            )
        }
        return TextEncoder(tokenizer: tokenizer, vocabulary: vocabulary, buckets: buckets)
    }

    var dimension: Int { embeddingDim ?? 64 }
}

/// `--char-ngrams 1-4` (or `3`, or `none`).
struct CharacterNgramRange: ExpressibleByArgument {
    let lengths: ClosedRange<Int>?

    init?(argument: String) {
        if argument == "none" {
            lengths = nil
            return
        }
        let parts = argument.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...2).contains(parts.count), let low = parts.first!, let high = parts.last!, 1 <= low, low <= high, high <= 16 else { return nil }
        lengths = low...high
    }
}

extension DatasetSpec {
    /// Whether the data set is labelled texts.
    var isText: Bool {
        switch self {
        case .langid, .topics, .text: true
        default: false
        }
    }

    var isLanguageIdentification: Bool {
        if case .langid = self { return true }
        return false
    }

    /// The texts of a text data set: the built-in splits, or a file's examples split 80/20 with a
    /// fixed seed (as `csv:` data).
    func loadTexts() throws -> TextDataSplit {
        switch self {
        case .langid: return try FortuneTexts.langid()
        case .topics: return try FortuneTexts.topics()
        case .text(let path):
            let examples = try TextFileReader.read(path)
            var generator = PhiloxGenerator(seed: 0)
            let order = Array(examples.indices).shuffled(using: &generator)
            let cut = examples.count * 8 / 10
            guard cut > 0, cut < examples.count else {
                throw CommandError("\(path): \(examples.count) texts are too few to split 80/20 into training and test data")
            }
            let split = TextDataSplit(train: order[..<cut].map { examples[$0] }, test: order[cut...].map { examples[$0] })
            guard split.classes.count >= 2 else {
                throw CommandError("\(path): every text has the label '\(split.classes[0])'; a classifier needs two classes or more")
            }
            return split
        default:
            preconditionFailure("\(self) is not a text data set")
        }
    }
}

/// The text model's reader, saved with it: the encoder and the class names.
struct TextModelMetadata {
    static let encoderKey = "neurite.text_encoder"
    static let classesKey = "neurite.classes"

    let encoder: TextEncoder
    let classes: [String]

    init(encoder: TextEncoder, classes: [String]) {
        self.encoder = encoder
        self.classes = classes
    }

    /// The reader stored in a model file's metadata, nil for a model of tensors.
    init?(metadata: [String: String], path: String) throws {
        guard let json = metadata[Self.encoderKey] else { return nil }
        do {
            encoder = try JSONDecoder().decode(TextEncoder.self, from: Data(json.utf8))
            classes = try JSONDecoder().decode([String].self, from: Data((metadata[Self.classesKey] ?? "[]").utf8))
        } catch {
            // A decoding error's own words say which setting is wrong; its localized description does not.
            let reason: String
            switch error as? DecodingError {
            case .dataCorrupted(let context)?, .keyNotFound(_, let context)?, .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
                reason = context.debugDescription
            default: reason = NeuriteCommand.reason(error)
            }
            throw CommandError("\(path): the text encoder in the metadata cannot be read: \(reason)")
        }
    }

    /// Checks that `network` can read this encoder's ids and gives one logit per class: its
    /// first table has a row for every id, and one id gives `[1, classes]`.
    func check(_ network: Module, path: String) throws {
        guard let rows = network.namedModules.lazy.compactMap({ ($0.module as? Embedding)?.rowCount ?? ($0.module as? EmbeddingBag)?.rowCount }).first
        else { throw CommandError("\(path): the model reads texts but has no Embedding or EmbeddingBag layer") }
        guard rows >= encoder.idCount else {
            throw CommandError("\(path): the text encoder gives \(encoder.idCount) ids but the model's table has \(rows) rows")
        }
        let outputs: [Int]?
        do {
            outputs = try network.checkedOutputShape(forInput: [1, 1])
        } catch {
            throw CommandError("\(path): the model cannot read ids [1, 1]: \(error)")
        }
        let shape = outputs ?? withoutGradients { network(Tensor.zeros([1, 1])).shape }
        guard shape == [1, classes.count] else {
            throw CommandError("\(path): the model gives outputs of shape \(shape) for one text; its metadata names \(classes.count) classes")
        }
    }

    var metadata: [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return [
            Self.encoderKey: String(decoding: try! encoder.encode(self.encoder), as: UTF8.self),
            Self.classesKey: String(decoding: try! encoder.encode(classes), as: UTF8.self),
        ]
    }

    /// `examples` as a data set whose labels are indices into `classes`.
    /// - Throws: naming a label the model does not know.
    func dataset(_ examples: [TextExample], source: String) throws -> TextDataset {
        TextDataset(texts: examples.map(\.text), labels: try labels(of: examples, source: source), encoder: encoder)
    }

    /// The class indices of `examples`' labels.
    /// - Throws: naming a label the model does not know.
    func labels(of examples: [TextExample], source: String) throws -> [Int] {
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        return try examples.map { example in
            guard let label = index[example.label] else {
                throw CommandError(
                    "\(source): the label '\(example.label)' (\(example.source)) is not one of the model's classes (\(classes.joined(separator: ", ")))"
                )
            }
            return label
        }
    }
}
