import NeuriteKernels

// Table lookups: rows of a weight matrix selected by integer ids (`torch.nn.functional.embedding`
// and `embedding_bag`). Ids are exact integers held in `Float` (exact up to 2²⁴, so tables of up
// to 16,777,216 rows).

/// How `embeddingBag` reduces the rows of one bag (PyTorch's `mode`).
public enum EmbeddingBagMode: String, Sendable, Codable, CaseIterable {
    /// `Σ wᵢ·W[idᵢ]`, with `wᵢ` the per-sample weights (1 without them).
    case sum
    /// The sum divided by the number of ids in the bag that are not padding.
    case mean
    /// The largest value of each column over the bag's rows.
    case max
}

/// The rows of `weight` (`[rows, dim]`) at `indices` (any shape, exact integers in `0..<rows`):
/// a tensor of shape `indices.shape + [dim]` (PyTorch's `F.embedding`).
///
/// Derivative with respect to `weight`: each row receives the sum of the gradients of the
/// positions that selected it; the row `paddingIndex` (negative counts from the end) receives
/// none, as in PyTorch, so it stays what it was initialised to (zeros in `Embedding`). `indices`
/// gets no gradient. With a `rowGradientSink`, the weight's gradient goes there as rows (PyTorch's
/// `sparse=True`) and not through the graph.
public func embedding(_ indices: Tensor, weight: Tensor, paddingIndex: Int? = nil, rowGradientSink: RowGradientSink? = nil) -> Tensor {
    let table = EmbeddingTable(weight: weight, paddingIndex: paddingIndex, operation: "embedding")
    let ids = table.resolve(indices)
    let dim = table.dim
    let value = Tensor(unsafeUninitializedShape: indices.shape + [dim]) { output in
        for (position, id) in ids.enumerated() {
            (output.baseAddress! + position * dim).update(from: weight.storage.base + id * dim, count: dim)
        }
    }
    // Every position is a bag of one.
    let bags = (0..<ids.count).map { $0..<$0 + 1 }
    return table.record("embedding", value: value, weight: weight, sink: rowGradientSink) { g in
        table.rowGradient(g, ids: ids, bags: bags) { _, _ in 1 }
    }
}

/// Bags of rows of `weight` (`[rows, dim]`), each reduced to one row by `mode`: a tensor of shape
/// `[bags, dim]` (PyTorch's `F.embedding_bag`; its default mode is `mean`).
///
/// - `indices` 2-D `[bags, length]`: each row is a bag (`offsets` must be nil). With a
///   `paddingIndex`, rows of different lengths are padded with it and the padding is skipped.
/// - `indices` 1-D with `offsets` (exact integers, first 0, non-decreasing, at most
///   `indices.count`): bag `i` holds `indices[offsets[i] ..< offsets[i + 1]]`, the last bag runs to
///   the end, or with `includeLastOffset` the last offset closes the last bag (one bag fewer).
///
/// Ids equal to `paddingIndex` are skipped: they add nothing and do not count for the mean. A bag
/// with no ids left gives a row of zeros in every mode, and no gradient. `perSampleWeights` (the
/// shape of `indices`, `sum` mode only) scales each row before the sum.
///
/// Derivatives: with respect to `weight`, each row selected receives its bag's gradient (times its
/// weight; divided by the bag's count for `mean`; for `max`, only the row that gave a column's
/// maximum receives that column); with respect to `perSampleWeights`, `⟨gradient of the bag, W[id]⟩`.
/// With a `rowGradientSink`, the weight's gradient goes there as rows (PyTorch's `sparse=True`).
public func embeddingBag(
    _ indices: Tensor, weight: Tensor, offsets: Tensor? = nil, mode: EmbeddingBagMode = .mean,
    perSampleWeights: Tensor? = nil, includeLastOffset: Bool = false, paddingIndex: Int? = nil,
    rowGradientSink: RowGradientSink? = nil
) -> Tensor {
    let operation = "embeddingBag"
    let table = EmbeddingTable(weight: weight, paddingIndex: paddingIndex, operation: operation)
    let ids = table.resolve(indices)
    let bags = EmbeddingBags(indices: indices, offsets: offsets, includeLastOffset: includeLastOffset, operation: operation)
    if let perSampleWeights {
        precondition(
            mode == .sum, "\(operation): per-sample weights need mode sum (as in PyTorch), got \(mode.rawValue)")
        precondition(
            perSampleWeights.shape == indices.shape,
            "\(operation): per-sample weights of shape \(perSampleWeights.shape) do not match indices of shape \(indices.shape)")
    }
    let dim = table.dim
    let padding = table.paddingRow
    let rowWeights = perSampleWeights.map { Array($0.withUnsafeBufferPointer { $0 }) }
    // For max: per bag and column, the position in `ids` whose row gave the maximum (-1: none).
    var winners = mode == .max ? [Int](repeating: -1, count: bags.count * dim) : []
    var counts = [Int](repeating: 0, count: bags.count)
    let value = Tensor(unsafeUninitializedShape: [bags.count, dim]) { output in
        output.initialize(repeating: 0)
        for (bag, range) in bags.ranges.enumerated() {
            let target = output.baseAddress! + bag * dim
            for position in range where ids[position] != padding {
                let row = weight.storage.base + ids[position] * dim
                switch mode {
                case .sum, .mean:
                    let scale = rowWeights?[position] ?? 1
                    for k in 0..<dim { target[k] += scale * row[k] }
                case .max:
                    for k in 0..<dim where counts[bag] == 0 || row[k] > target[k] {
                        target[k] = row[k]
                        winners[bag * dim + k] = position
                    }
                }
                counts[bag] += 1
            }
            if mode == .mean && counts[bag] > 0 {
                let scale = 1 / Float(counts[bag])
                for k in 0..<dim { target[k] *= scale }
            }
        }
    }
    let (bagCounts, maxima) = (counts, winners)
    let weightGradient = { (g: Tensor) -> RowSparseGradient in
        if mode == .max {
            return table.maximumRowGradient(g, ids: ids, bags: bags.ranges) { bag, k in maxima[bag * dim + k] }
        }
        return table.rowGradient(g, ids: ids, bags: bags.ranges) { bag, position in
            (mode == .mean ? 1 / Float(bagCounts[bag]) : 1) * (rowWeights?[position] ?? 1)
        }
    }
    let perSampleGradient = perSampleWeights.map { perSampleWeights in
        { (g: Tensor) -> Tensor in
            Tensor(unsafeUninitializedShape: perSampleWeights.shape) { output in
                output.initialize(repeating: 0)
                for (bag, range) in bags.ranges.enumerated() {
                    let source = g.storage.base + bag * dim
                    for position in range where ids[position] != padding {
                        let row = weight.storage.base + ids[position] * dim
                        var dot: Float = 0
                        for k in 0..<dim { dot += source[k] * row[k] }
                        output[position] = dot
                    }
                }
            }
        }
    }
    return table.record(
        operation, value: value, weight: weight, sink: rowGradientSink, perSampleWeights: perSampleWeights,
        perSampleGradient: perSampleGradient, weightGradient: weightGradient)
}

/// A lookup table's shape and padding row, and the check that ids select rows of it.
struct EmbeddingTable {
    let rows: Int
    let dim: Int
    /// The padding row, or -1 (no id equals it) without one.
    let paddingRow: Int
    let operation: String

    init(weight: Tensor, paddingIndex: Int?, operation: String) {
        precondition(weight.rank == 2, "\(operation): the weight must be a [rows, dim] matrix, got shape \(weight.shape)")
        rows = weight.shape[0]
        dim = weight.shape[1]
        self.operation = operation
        if let paddingIndex {
            precondition(
                (-rows..<rows).contains(paddingIndex),
                "\(operation): padding index \(paddingIndex) out of range for a table of \(rows) rows")
            paddingRow = paddingIndex < 0 ? paddingIndex + rows : paddingIndex
        } else {
            paddingRow = -1
        }
    }

    /// The result recorded with its derivative: the weight's gradient (computed as rows) goes
    /// densified through the graph, or to `sink` when there is one; `perSampleWeights` get theirs.
    func record(
        _ operation: String, value: Tensor, weight: Tensor, sink: RowGradientSink?, perSampleWeights: Tensor? = nil,
        perSampleGradient: ((Tensor) -> Tensor)? = nil, weightGradient: @escaping (Tensor) -> RowSparseGradient
    ) -> Tensor {
        let extra = perSampleWeights.map { [$0] } ?? []
        guard let sink else {
            return Tensor.recording(operation, value: value, inputs: [weight] + extra) { g in
                [weightGradient(g).densified()] + (perSampleGradient.map { [$0(g)] } ?? [])
            }
        }
        // The table is not an input: its gradient reaches the sink, triggered through its leaf
        // (whose own gradient is nil: it gets none).
        let trigger = weight.requiresGradient ? sink.trigger : sink.trigger.detached()
        return Tensor.recording(operation, value: value, inputs: [trigger] + extra) { g in
            if weight.requiresGradient { sink.accumulate(weightGradient(g)) }
            return [nil] + (perSampleGradient.map { [$0(g)] } ?? [])
        }
    }

    /// The weight's gradient as rows: each non-padding position of each bag adds
    /// `scale(bag, position) · g[bag]` to its row. Each row sums its positions in position order
    /// (the order of a plain loop over the bags), whatever the thread count; rows are spread over
    /// threads.
    func rowGradient(_ g: Tensor, ids: [Int], bags: [Range<Int>], scale: (Int, Int) -> Float) -> RowSparseGradient {
        let groups = PositionGroups(ids: ids, padding: paddingRow)
        var bagOfPosition = [Int32](repeating: 0, count: ids.count)
        for (bag, range) in bags.enumerated() { for position in range { bagOfPosition[position] = Int32(bag) } }
        let dim = self.dim
        let values = Tensor(unsafeUninitializedShape: [groups.rows.count, dim]) { buffer in
            let (target, source) = (buffer.baseAddress!, g.storage.base)
            let work = groups.positions.count * dim
            Parallel.forEachRange(groups.rows.count, threads: work < 1 << 16 ? 1 : Threading.maximumThreads) { slots in
                for slot in slots {
                    let row = target + slot * dim
                    for k in 0..<dim { row[k] = 0 }
                    for position in groups.positions(of: slot) {
                        let bag = Int(bagOfPosition[position])
                        let (factor, from) = (scale(bag, position), source + bag * dim)
                        for k in 0..<dim { row[k] += factor * from[k] }
                    }
                }
            }
        }
        return RowSparseGradient(shape: [self.rows, dim], rows: groups.rows, values: values)
    }

    /// The weight's gradient as rows for max bags: column `k` of bag `bag` goes to the row at
    /// position `winner(bag, k)` (-1: an empty bag, nothing).
    func maximumRowGradient(_ g: Tensor, ids: [Int], bags: [Range<Int>], winner: (Int, Int) -> Int) -> RowSparseGradient {
        let groups = PositionGroups(ids: ids, padding: paddingRow)
        let slots = groups.slotOfPosition(count: ids.count)
        let values = Tensor(unsafeUninitializedShape: [groups.rows.count, dim]) { buffer in
            buffer.initialize(repeating: 0)
            for bag in bags.indices {
                for k in 0..<dim {
                    let position = winner(bag, k)
                    if position >= 0 { buffer[slots[position] * dim + k] += g.storage.base[bag * dim + k] }
                }
            }
        }
        return RowSparseGradient(shape: [self.rows, dim], rows: groups.rows, values: values)
    }

    /// The ids as integers, each checked to be a row of the table.
    func resolve(_ indices: Tensor) -> [Int] {
        indices.withUnsafeBufferPointer { values in
            values.map { raw in
                let id = Int(exactly: raw) ?? -1
                precondition(
                    id >= 0 && id < rows,
                    "\(operation): id \(raw) out of range for a table of \(rows) rows (ids of shape \(indices.shape))")
                return id
            }
        }
    }
}

/// The non-padding positions of a batch's ids grouped by id: the distinct ids ascending (`rows`),
/// and for each its positions in increasing order. Made by sorting `id << 32 | position` keys:
/// cheaper than hashing the tens of thousands of ids of a batch of texts.
struct PositionGroups {
    let rows: [Int]
    /// The positions, grouped by row (slot `s` holds `positions[starts[s] ..< starts[s + 1]]`).
    let positions: [Int]
    private let starts: [Int]

    init(ids: [Int], padding: Int) {
        var keys: [Int] = []
        keys.reserveCapacity(ids.count)
        for (position, id) in ids.enumerated() where id != padding { keys.append(id << 32 | position) }
        keys.sort()
        var rows: [Int] = []
        var starts: [Int] = []
        for (index, key) in keys.enumerated() where rows.last != key >> 32 {
            rows.append(key >> 32)
            starts.append(index)
        }
        starts.append(keys.count)
        self.rows = rows
        self.starts = starts
        positions = keys.map { $0 & 0xFFFF_FFFF }
    }

    func positions(of slot: Int) -> ArraySlice<Int> { positions[starts[slot]..<starts[slot + 1]] }

    /// For each position of the ids, the slot of its row (-1 for padding).
    func slotOfPosition(count: Int) -> [Int] {
        var slots = [Int](repeating: -1, count: count)
        for slot in rows.indices { for position in positions(of: slot) { slots[position] = slot } }
        return slots
    }
}

/// Which positions of the flat ids form each bag.
struct EmbeddingBags {
    let ranges: [Range<Int>]
    var count: Int { ranges.count }

    init(indices: Tensor, offsets: Tensor?, includeLastOffset: Bool, operation: String) {
        switch (indices.rank, offsets) {
        case (2, nil):
            let length = indices.shape[1]
            ranges = (0..<indices.shape[0]).map { $0 * length..<($0 + 1) * length }
        case (1, let offsets?):
            precondition(offsets.rank == 1, "\(operation): offsets must be 1-D, got shape \(offsets.shape)")
            let starts = offsets.withUnsafeBufferPointer { $0.map { Int(exactly: $0) ?? -1 } }
            let total = indices.shape[0]
            precondition(
                starts.first == 0 || (starts.isEmpty && !includeLastOffset),
                "\(operation): the first offset must be 0, got \(starts.first.map(String.init) ?? "none")")
            precondition(
                zip(starts, starts.dropFirst()).allSatisfy { $0 <= $1 } && (starts.last ?? 0) <= total,
                "\(operation): offsets must be non-decreasing integers no larger than the \(total) ids, got \(starts)")
            let ends = includeLastOffset ? Array(starts.dropFirst()) : Array(starts.dropFirst()) + [total]
            ranges = zip(starts, ends).map { $0..<$1 }
        case (1, nil):
            preconditionFailure("\(operation): 1-D ids of shape \(indices.shape) need offsets (or pass 2-D ids, one bag per row)")
        default:
            preconditionFailure(
                "\(operation): ids must be 2-D (one bag per row) or 1-D with offsets, got shape \(indices.shape)\(offsets == nil ? "" : " with offsets")"
            )
        }
    }
}
