import NeuriteCore

/// Encoded texts with their class labels, batched as `[B, L]` ids padded with
/// `Vocabulary.paddingID` (0) to the longest text of the batch (at least one column), and targets
/// `[B]`: the input an `EmbeddingBag(…, paddingIndex: 0)` reads.
///
/// The ids of all texts sit in one flat array, 4 bytes each.
public struct TextDataset: Dataset {
    private let ids: [UInt32]
    /// Text `i`'s ids are `ids[offsets[i] ..< offsets[i + 1]]`.
    private let offsets: [Int]
    /// Class indices.
    public let labels: [Int]

    /// `texts` encoded by `encoder`, with `labels` (class indices).
    public init(texts: [String], labels: [Int], encoder: TextEncoder) {
        precondition(texts.count == labels.count, "TextDataset: \(texts.count) texts but \(labels.count) labels")
        precondition(encoder.idCount <= 1 << 24, "TextDataset: \(encoder.idCount) ids do not stay exact in Float (at most 2²⁴)")
        var ids: [UInt32] = []
        var offsets = [0]
        offsets.reserveCapacity(texts.count + 1)
        for text in texts {
            ids.append(contentsOf: encoder.encode(text).map(UInt32.init))
            offsets.append(ids.count)
        }
        self.ids = ids
        self.offsets = offsets
        self.labels = labels
    }

    public var count: Int { labels.count }

    /// The ids of text `index`.
    public func ids(at index: Int) -> ArraySlice<UInt32> { ids[offsets[index]..<offsets[index + 1]] }

    public func batch(at indices: [Int]) -> Batch {
        Self.paddedBatch(indices.map { ids(at: $0) }, labels: indices.map { labels[$0] })
    }

    /// `[B, L]` ids padded with `Vocabulary.paddingID` to the longest row (at least one column),
    /// and the labels as targets `[B]`.
    static func paddedBatch<Row: Collection<UInt32>>(_ rows: [Row], labels: [Int]) -> Batch {
        let length = max(1, rows.map(\.count).max() ?? 0)
        let inputs = Tensor(unsafeUninitializedShape: [rows.count, length]) { buffer in
            buffer.initialize(repeating: Float(Vocabulary.paddingID))
            for (row, ids) in rows.enumerated() {
                for (column, id) in ids.enumerated() { buffer[row * length + column] = Float(id) }
            }
        }
        return Batch(inputs: inputs, targets: Tensor(labels.map(Float.init)))
    }

    /// The texts at `indices`, as a new dataset.
    public func subset(_ indices: [Int]) -> TextDataset { TextDataset(self, subset: indices) }

    private init(_ source: TextDataset, subset indices: [Int]) {
        var ids: [UInt32] = []
        var offsets = [0]
        for index in indices {
            ids.append(contentsOf: source.ids(at: index))
            offsets.append(ids.count)
        }
        self.ids = ids
        self.offsets = offsets
        self.labels = indices.map { source.labels[$0] }
    }
}
