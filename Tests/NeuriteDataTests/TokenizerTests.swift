import Foundation
import NeuriteCore
import NeuriteData
import Testing

@Suite("Tokenizer, vocabulary and text encoding")
struct TokenizerTests {
    @Test func wordsAreUnicodeAware() {
        let tokenizer = Tokenizer()
        // NFD input gives the same words as NFC; case folds fully; punctuation separates.
        #expect(tokenizer.words("Cafe\u{301}, CAFÉ! l'homme—Straße 42") == ["café", "café", "l", "homme", "straße", "42"])
        #expect(tokenizer.words("Привет, МИР") == ["привет", "мир"])
        // Ideographs are words of their own; Latin inside Chinese stays a word.
        #expect(tokenizer.words("我爱Debian系统") == ["我", "爱", "debian", "系", "统"])
        #expect(tokenizer.words("") == [] && tokenizer.words("  \n\t ... ") == [])
        #expect(Tokenizer(lowercase: false).words("Hello World") == ["Hello", "World"])
    }

    @Test func ngramsFollowFastText() {
        let tokenizer = Tokenizer(wordNgrams: 3, characterNgrams: 1...3)
        #expect(tokenizer.wordNgrams(of: ["a", "b", "c"]) == ["a b", "b c", "a b c"])
        #expect(tokenizer.wordNgrams(of: ["a"]) == [])
        #expect(tokenizer.characterNgrams(of: "cat") == ["c", "a", "t", "<c", "ca", "at", "t>", "<ca", "cat", "at>"])
        #expect(Tokenizer(characterNgrams: 3...3).characterNgrams(of: "é") == ["<é>"])
        #expect(Tokenizer().characterNgrams(of: "cat") == [])
    }

    @Test func vocabularyCountsKeepsAndReservesSpecialIDs() {
        let texts = [["b", "a", "c"], ["a", "b"], ["a", "d", "<pad>"]]
        let vocabulary = Vocabulary(counting: texts, minimumCount: 2)
        #expect(vocabulary.tokens == ["<pad>", "<unk>", "a", "b"])
        #expect(vocabulary.id(of: "a") == 2 && vocabulary.id(of: "c") == Vocabulary.unknownID)
        #expect(Vocabulary(counting: texts, maximumSize: 3).tokens == ["<pad>", "<unk>", "a", "b", "c"])
        let data = try! JSONEncoder().encode(vocabulary)
        #expect(String(decoding: data, as: UTF8.self) == #"["a","b"]"#)
        #expect(try! JSONDecoder().decode(Vocabulary.self, from: data) == vocabulary)
    }

    @Test func encoderHashesNgramsAfterTheVocabulary() throws {
        let tokenizer = Tokenizer(wordNgrams: 2, characterNgrams: 2...2)
        let encoder = TextEncoder(fitting: ["the cat", "the dog"], tokenizer: tokenizer, buckets: 100)
        #expect(encoder.vocabulary.tokens == ["<pad>", "<unk>", "the", "cat", "dog"])
        #expect(encoder.idCount == 105)
        let ids = encoder.encode("The bird")
        #expect(encoder.tokens("The bird") == ["the", "<unk>", "the bird", "<t", "th", "he", "e>", "<b", "bi", "ir", "rd", "d>"])
        #expect(ids.count == 12 && ids[0] == 2 && ids[1] == 1 && ids[2...].allSatisfy { (5..<105).contains($0) })
        // FNV-1a of "a" is 0xE40C292C.
        #expect(encoder.bucketID("a") == 5 + Int(UInt32(0xE40C_292C) % 100))
        #expect(TextEncoder(tokenizer: tokenizer, vocabulary: encoder.vocabulary, buckets: 100, maximumLength: 3).encode("the bird").count == 3)
        // Character n-grams are hashed from bytes directly: the same ids as hashing each n-gram's
        // text, for multi-byte characters too.
        let characters = TextEncoder(fitting: ["straße"], tokenizer: Tokenizer(characterNgrams: 1...4), buckets: 1009)
        for text in ["Straße über 東京", "ab"] {
            let words = characters.tokenizer.words(text).count
            let ids = characters.encode(text)
            #expect(ids.dropFirst(words) == characters.tokens(text).dropFirst(words).map(characters.bucketID)[...], "\(text)")
        }
        let decoded = try JSONDecoder().decode(TextEncoder.self, from: JSONEncoder().encode(encoder))
        #expect(decoded == encoder && decoded.encode("the cat sat") == encoder.encode("the cat sat"))
    }

    @Test func datasetPadsEachBatchToItsLongestText() {
        let encoder = TextEncoder(fitting: ["a b c", "a"], tokenizer: Tokenizer())
        let dataset = TextDataset(texts: ["a b c", "a", ""], labels: [2, 0, 1], encoder: encoder)
        let batch = dataset.batch(at: [1, 0])
        #expect(batch.inputs.shape == [2, 3] && batch.targets.scalars == [0, 2])
        #expect(batch.inputs.scalars == [2, 0, 0, 2, 3, 4])
        // A batch of empty texts still has one (padding) column.
        #expect(dataset.batch(at: [2]).inputs.shape == [1, 1] && dataset.batch(at: [2]).inputs.scalars == [0])
        #expect(dataset.subset([2, 0]).batch(at: [0, 1]).inputs.scalars == [0, 0, 0, 2, 3, 4])
    }
}
