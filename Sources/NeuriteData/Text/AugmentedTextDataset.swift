import NeuriteCore

/// Training texts edited afresh every epoch (a loader transform for text): each time a loader
/// draws text `i` in epoch `e`, it is, with probability `probability`, replaced by one EDA edit
/// (`TextAugmentation.edit`) and then encoded. The random choices come from a generator of the
/// seed, `e` and `i` alone, so a seed gives the same texts whatever the batch size or order.
///
/// `batch(at:)` (evaluation) gives the texts unedited. Batches are `[B, L]` ids padded with 0, as
/// `TextDataset`'s.
public struct AugmentedTextDataset: EpochVaryingDataset {
    /// The training texts, unedited.
    public let texts: [String]
    /// Class indices.
    public let labels: [Int]
    /// The encoder that turns an edited text into ids.
    public let encoder: TextEncoder
    /// The edits drawn from.
    public let augmentation: TextAugmentation
    /// The chance that a text is edited when drawn (0.8 by default: EDA's protocol of four edited
    /// copies beside each original has the same share of edited texts).
    public let probability: Double
    private let unedited: TextDataset

    /// A data set that edits text i afresh each time it is drawn, with probability `probability`, from a generator of the seed, the epoch and i alone.
    public init(texts: [String], labels: [Int], encoder: TextEncoder, augmentation: TextAugmentation, probability: Double = 0.8) {
        precondition((0...1).contains(probability), "AugmentedTextDataset: probability \(probability) is not in [0, 1]")
        unedited = TextDataset(texts: texts, labels: labels, encoder: encoder)
        self.texts = texts
        self.labels = labels
        self.encoder = encoder
        self.augmentation = augmentation
        self.probability = probability
    }

    public var count: Int { labels.count }

    public func batch(at indices: [Int]) -> Batch { unedited.batch(at: indices) }

    public func batch(at indices: [Int], epoch: Int, seed: UInt64) -> Batch {
        let rows = indices.map { index -> [UInt32] in
            var generator = PhiloxGenerator(seed: seed, stream: UInt64(truncatingIfNeeded: epoch) << 32 | UInt64(index))
            guard Double.random(in: 0..<1, using: &generator) < probability else { return Array(unedited.ids(at: index)) }
            return encoder.encode(augmentation.edit(texts[index], generator: &generator)).map(UInt32.init)
        }
        return TextDataset.paddedBatch(rows, labels: indices.map { labels[$0] })
    }
}
