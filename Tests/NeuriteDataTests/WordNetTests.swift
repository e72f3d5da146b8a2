import Foundation
import NeuriteCore
import NeuriteData
import Testing

/// WordNet's file formats and morphy on a miniature database written here (the real one, from
/// Debian's wordnet-base, is checked against NLTK-style lookups by `train-check text-data`), and
/// EDA's operations.
@Suite("WordNet and EDA")
struct WordNetTests {
    /// A database with a few synsets: offsets are byte offsets, as in the real files.
    func miniature() throws -> (WordNet, URL) {
        let directory = temporaryDirectory()
        let licence = "  1 This software and database is being provided to you, the LICENSEE\n"
        func data(_ lines: [(String) -> String]) -> (String, [String]) {
            var text = licence
            var offsets: [String] = []
            for line in lines {
                let offset = String(format: "%08d", text.utf8.count)
                offsets.append(offset)
                text += line(offset)
            }
            return (text, offsets)
        }
        let (nouns, nounOffsets) = data([
            { "\($0) 05 n 03 dog 0 domestic_dog 0 Canis_familiaris 0 000 | a member of the genus Canis\n" },
            { "\($0) 05 n 02 goose 0 brant 0 000 | web-footed bird\n" },
            { "\($0) 05 n 02 ice_cream 0 icecream 0 000 | frozen dessert\n" },
        ])
        let (verbs, verbOffsets) = data([{ "\($0) 38 v 02 run 0 scarper 0 000 | move fast\n" }])
        let (adjectives, adjectiveOffsets) = data([{ "\($0) 00 s 02 glad(p) 0 happy 0 000 | joyful\n" }])
        let files: [String: String] = [
            "data.noun": nouns, "data.verb": verbs, "data.adj": adjectives, "data.adv": licence,
            "index.noun": licence + "dog n 1 0 1 0 \(nounOffsets[0])\ngoose n 1 0 1 0 \(nounOffsets[1])\nice_cream n 1 0 1 0 \(nounOffsets[2])\n",
            "index.verb": licence + "run v 1 0 1 0 \(verbOffsets[0])\n",
            "index.adj": licence + "glad a 1 0 1 0 \(adjectiveOffsets[0])\nhappy a 1 0 1 0 \(adjectiveOffsets[0])\n",
            "index.adv": licence, "noun.exc": "geese goose\n", "verb.exc": "ran run\n",
        ]
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        return (try WordNet(directory: directory.path), directory)
    }

    @Test func lookupsFollowMorphyAndTheFileFormats() throws {
        let (wordNet, directory) = try miniature()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(wordNet.baseForms(of: "dogs", as: .noun) == ["dog"])
        #expect(wordNet.baseForms(of: "geese", as: .noun) == ["goose"])
        #expect(wordNet.baseForms(of: "ran", as: .verb) == ["run"])
        #expect(wordNet.baseForms(of: "running", as: .verb) == [], "runn + ing is not in this index")
        #expect(wordNet.synsets("Dogs").map(\.partOfSpeech) == [.noun])
        #expect(wordNet.lemmaNames("dog") == ["dog", "domestic_dog", "Canis_familiaris"])
        #expect(wordNet.synonyms("dogs") == ["dog", "domestic dog", "canis familiaris"])
        #expect(wordNet.synonyms("happy") == ["glad"], "adjective markers such as (p) are dropped, the word itself is not a synonym")
        #expect(wordNet.synonyms("ice cream") == ["icecream"])
        #expect(wordNet.synonyms("unknownword") == [])
    }

    @Test func aMissingDatabaseNamesThePackage() {
        #expect {
            try WordNet(directory: "/nonexistent/wordnet")
        } throws: { error in
            "\(error)".contains("apt-get install wordnet-base")
        }
    }

    @Test func edaIsSeededAndEachOperationDoesWhatItSays() throws {
        let (wordNet, directory) = try miniature()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = "The dog ran, and the geese ran after the dog's ice-cream!"
        #expect(TextAugmentation.clean(text) == ["the", "dog", "ran", "and", "the", "geese", "ran", "after", "the", "dogs", "ice", "cream"])
        let eda = TextAugmentation(wordNet: wordNet)
        var first = PhiloxGenerator(seed: 4)
        var again = PhiloxGenerator(seed: 4)
        var other = PhiloxGenerator(seed: 5)
        let sentences = eda.augment(text, count: 8, generator: &first)
        #expect(sentences.count == 8)
        #expect(sentences == eda.augment(text, count: 8, generator: &again))
        #expect(sentences != eda.augment(text, count: 8, generator: &other))
        #expect(eda.augment("!!!", count: 4, generator: &first) == [])

        let words = TextAugmentation.clean(text)
        for seed in 0..<20 {
            var generator = PhiloxGenerator(seed: UInt64(seed))
            let swapped = TextAugmentation(operations: [.swap], wordNet: wordNet).augment(text, count: 1, generator: &generator)[0]
            #expect(swapped.split(separator: " ").map(String.init).sorted() == words.sorted())
            let deleted = TextAugmentation(operations: [.delete], wordNet: wordNet).augment(text, count: 1, generator: &generator)[0]
            #expect(!deleted.isEmpty && deleted.split(separator: " ").allSatisfy { words.contains(String($0)) })
            let replaced = TextAugmentation(operations: [.synonyms], wordNet: wordNet).augment(text, count: 1, generator: &generator)[0]
            // "dog", "ran", "geese", "dogs" have synonyms here: one of them (n = max(1, ⌊0.1 · 12⌋) = 1) is replaced everywhere.
            #expect(replaced != words.joined(separator: " "))
            let inserted = TextAugmentation(operations: [.insert], wordNet: wordNet).augment(text, count: 1, generator: &generator)[0]
            #expect(inserted.split(separator: " ").count == words.count + 1 || inserted.split(separator: " ").count == words.count + 2)
        }
    }

    @Test func augmentedTextsAreDrawnAfreshPerEpochFromTheSeedEpochAndIndexAlone() throws {
        let (wordNet, directory) = try miniature()
        defer { try? FileManager.default.removeItem(at: directory) }
        let texts = (0..<12).map { "the dog ran after the geese number \($0) and the dog ate ice cream" }
        let eda = TextAugmentation(wordNet: wordNet)
        // The vocabulary counts the synonyms an edit can bring in.
        let introduced = eda.introducedWords(texts[0])
        #expect(introduced.contains("scarper") && introduced.contains("domestic") && introduced.contains("brant"), "\(introduced)")
        #expect(TextAugmentation(operations: [.swap], wordNet: nil).introducedWords(texts[0]).isEmpty)
        let encoder = TextEncoder(fitting: texts + [introduced.joined(separator: " ")], tokenizer: Tokenizer())
        let labels = (0..<12).map { $0 % 3 }
        let data = AugmentedTextDataset(texts: texts, labels: labels, encoder: encoder, augmentation: eda, probability: 1)
        let plain = TextDataset(texts: texts, labels: labels, encoder: encoder)
        #expect(data.batch(at: [3, 1]).inputs.scalars == plain.batch(at: [3, 1]).inputs.scalars, "evaluation sees the texts unedited")

        // A text's version in an epoch does not depend on the batch it is drawn in or its place.
        func rows(_ batch: Batch) -> [[Float]] {
            let width = batch.inputs.shape[1]
            return (0..<batch.inputs.shape[0]).map { row in
                Array(batch.inputs.scalars[row * width..<(row + 1) * width]).filter { $0 != 0 }
            }
        }
        let together = rows(data.batch(at: [5, 2, 9], epoch: 3, seed: 7))
        #expect(rows(data.batch(at: [9], epoch: 3, seed: 7))[0] == together[2])
        #expect(rows(data.batch(at: [2, 5], epoch: 3, seed: 7)) == [together[1], together[0]])
        #expect(data.batch(at: [5, 2, 9], epoch: 3, seed: 7).targets.scalars == [2, 2, 0])
        // Edited: different from the original, and from epoch to epoch.
        let original = rows(plain.batch(at: [5, 2, 9]))
        let epochs = (0..<4).map { rows(data.batch(at: [5, 2, 9], epoch: $0, seed: 7)) }
        #expect(epochs.allSatisfy { $0 != original })
        #expect(Set(epochs.map { "\($0)" }).count == 4)
        #expect(rows(data.batch(at: [5, 2, 9], epoch: 3, seed: 8)) != together)

        // Probability 0 draws the originals; 0.5 edits about half.
        let never = AugmentedTextDataset(texts: texts, labels: labels, encoder: encoder, augmentation: eda, probability: 0)
        #expect(rows(never.batch(at: Array(0..<12), epoch: 1, seed: 7)) == rows(plain.batch(at: Array(0..<12))))
        let half = AugmentedTextDataset(texts: texts, labels: labels, encoder: encoder, augmentation: eda, probability: 0.5)
        let unchanged = (0..<20).map { epoch in
            zip(rows(half.batch(at: Array(0..<12), epoch: epoch, seed: 1)), rows(plain.batch(at: Array(0..<12)))).filter { $0 == $1 }.count
        }
        #expect((90...150).contains(unchanged.reduce(0, +)), "\(unchanged.reduce(0, +)) of 240 draws unedited")

        // Through a loader: the same seed gives the same batches.
        let loader = DataLoader(data, batchSize: 5, shuffle: true, seed: 11)
        let first = loader.batches(epoch: 2).map { $0.inputs.scalars }
        #expect(first == loader.batches(epoch: 2).map { $0.inputs.scalars })
        #expect(first != loader.batches(epoch: 3).map { $0.inputs.scalars })
    }
}
