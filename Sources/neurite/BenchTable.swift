import Foundation

/// The rows of `neurite bench`: Neurite's measurements and the peers', and the ratios.
struct BenchTable {
    /// The test images each evaluation row passes over.
    let testImages: Int

    enum Row: Hashable {
        case training(BenchWorkload)
        case evaluation(BenchWorkload)
        case single(BenchWorkload)
        case accuracy(BenchWorkload)

        func label(testImages: Int) -> String {
            switch self {
            case .training(let w): "\(w.rawValue.uppercased()) training, s per epoch"
            case .evaluation(let w): "\(w.rawValue.uppercased()) \(testImages) test images, ms"
            case .single(let w): "\(w.rawValue.uppercased()) one image, µs"
            case .accuracy(let w): "\(w.rawValue.uppercased()) test accuracy after training"
            }
        }
        var workload: BenchWorkload {
            switch self {
            case .training(let w), .evaluation(let w), .single(let w), .accuracy(let w): w
            }
        }
        /// The row's place among its workload's rows.
        var rank: Int {
            switch self {
            case .training: 0
            case .evaluation: 1
            case .single: 2
            case .accuracy: 3
            }
        }
        /// Seconds are shown in the row's unit.
        var scale: Double {
            switch self {
            case .training, .accuracy: 1
            case .evaluation: 1e3
            case .single: 1e6
            }
        }
    }

    private var order: [Row] = []

    init(testImages: Int) { self.testImages = testImages }

    private var neurite: [Row: [Double]] = [:]
    private var peers: [Row: [String: [Double]]] = [:]

    private mutating func note(_ row: Row) { if !order.contains(row) { order.append(row) } }

    /// A training run's epoch seconds: the epochs after the first count.
    mutating func add(_ row: Row, neuriteEpochSeconds seconds: [Double]) {
        note(row)
        neurite[row, default: []] += seconds.dropFirst()
    }

    /// A peer's training run: the epochs after the first count.
    mutating func add(_ row: Row, peer: Peer, epochSeconds seconds: [Double]) {
        note(row)
        peers[row, default: [:]][peer.name, default: []] += seconds.dropFirst()
    }

    /// One measurement of a peer's (its test accuracy).
    mutating func add(_ row: Row, peer: Peer, value: Double) {
        note(row)
        peers[row, default: [:]][peer.name, default: []].append(value)
    }

    mutating func add(_ workload: BenchWorkload, neurite timing: InferenceTiming) {
        for row in [Row.evaluation(workload), .single(workload), .accuracy(workload)] { note(row) }
        neurite[.evaluation(workload)] = [timing.evaluationSeconds]
        neurite[.single(workload)] = [timing.singleSeconds]
        neurite[.accuracy(workload)] = [timing.accuracy]
    }

    mutating func add(peerInference timings: [BenchWorkload: (evaluation: Double, single: Double)]) {
        for (workload, timing) in timings {
            peers[.evaluation(workload), default: [:]][Peer.pytorch.name] = [timing.evaluation]
            peers[.single(workload), default: [:]][Peer.pytorch.name] = [timing.single]
        }
    }

    /// The table as text: one column per system and, for each peer, the ratio Neurite ÷ peer.
    func render(peers shown: [Peer]) -> String {
        var header = ["", "Neurite"]
        for peer in shown { header += [peer.name, "ratio"] }
        var lines = [header]
        // Each workload's rows together, in the order training, evaluation, one image, accuracy.
        let workloads = order.map(\.workload).reduce(into: [BenchWorkload]()) { if !$0.contains($1) { $0.append($1) } }
        let rows = order.sorted { (workloads.firstIndex(of: $0.workload)!, $0.rank) < (workloads.firstIndex(of: $1.workload)!, $1.rank) }
        for row in rows {
            let ours = neurite[row].flatMap(Self.median)
            var cells = [row.label(testImages: testImages), Self.format(ours, row)]
            for peer in shown {
                let theirs = peers[row]?[peer.name].flatMap(Self.median)
                let ratio: String
                if case .accuracy = row {
                    ratio = ""
                } else if let ours, let theirs, theirs > 0 {
                    ratio = String(format: "%.2f", ours / theirs)
                } else {
                    ratio = "—"
                }
                cells += [Self.format(theirs, row), ratio]
            }
            lines.append(cells)
        }
        let widths = header.indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        return lines.map { cells in
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func format(_ value: Double?, _ row: Row) -> String {
        guard let value else { return "—" }
        if case .accuracy = row { return String(format: "%.4f", value) }
        let shown = value * row.scale
        return String(format: shown >= 100 ? "%.0f" : shown >= 10 ? "%.1f" : "%.2f", shown)
    }
}
