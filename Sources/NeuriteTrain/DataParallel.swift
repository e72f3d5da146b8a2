import NeuriteCore
import NeuriteNN

/// Data-parallel training over the ranks of a `Communicator` (PyTorch's
/// `DistributedDataParallel`): every rank holds the whole model and trains on its own share of
/// each batch, and after each backward pass the gradients are replaced by their mean over the
/// ranks, so every rank takes the same optimiser step and the replicas stay identical.
///
/// `fit(…, communicator:)` does all of this; the methods are public for hand-written loops:
/// `broadcastState` once before training, `averageGradients` between `backward()` and the step,
/// `broadcastBuffers` before each forward pass, `checkReplicas` whenever wanted.
///
/// Gradients travel in buckets of at most `bucketElements` floats, in the fixed order of
/// `namedParameters`, and each rank divides the same sums by the same count, so a run repeated
/// with the same number of ranks gives the same bits.
public struct DataParallel {
    /// The ranks.
    public let communicator: any Communicator
    /// The most floats one reduction carries (16 MiB).
    public static let bucketElements = 1 << 22

    /// Data-parallel steps over `communicator`'s ranks.
    public init(communicator: any Communicator) { self.communicator = communicator }

    /// Makes every `BatchNorm` of `model` normalise with the statistics of the whole global batch
    /// (PyTorch's `SyncBatchNorm`): their sums go through this communicator in every training-mode
    /// forward and backward pass, so N ranks with batches of B normalise as one process with N·B.
    /// Without it each rank normalises with its own batch, as `DistributedDataParallel` does.
    public func synchronizeBatchNorm(in model: Module) {
        let synchronizer = CommunicatorStatistics(communicator: communicator)
        for (_, module) in model.namedModules { (module as? BatchNorm)?.synchronization = synchronizer }
    }

    /// Copies rank 0's parameters and buffers to every rank (before training, after any resume).
    public func broadcastState(of model: Module) {
        for parameter in model.parameters { broadcast(&parameter.value) }
        broadcastBuffers(of: model)
    }

    /// Copies rank 0's buffers (batch norm's running statistics) to every rank, as
    /// `DistributedDataParallel` does before each forward pass; each rank's batch norm otherwise
    /// normalises with its own batch's statistics.
    public func broadcastBuffers(of model: Module) {
        for (_, buffer) in model.namedBuffers { broadcast(&buffer.value) }
    }

    private func broadcast(_ tensor: inout Tensor) {
        guard tensor.scalarCount > 0 else { return }
        tensor.withUnsafeMutableBufferPointer { communicator.broadcast($0, root: 0) }
    }

    /// Replaces every trainable parameter's gradient with its mean over the ranks, and returns
    /// the mean of `loss`. A parameter no rank has a gradient for keeps none (as in one process);
    /// one that some ranks lack counts as zeros there.
    /// - Precondition: no parameter has row-sparse gradients (a sparse `EmbeddingBag`): their
    ///   rows are not averaged yet.
    public func averageGradients(of model: Module, loss: Float) -> Float {
        averageGradients(of: model.namedParameters.filter { $0.parameter.isTrainable }, loss: loss)
    }

    /// `averageGradients(of:loss:)` for a model's trainable parameters listed once (`fit` lists
    /// them before training: walking the module tree costs reflection at every step).
    func averageGradients(of named: [(name: String, parameter: Parameter)], loss: Float) -> Float {
        for (name, parameter) in named {
            precondition(
                parameter.rowGradientSink == nil,
                "DataParallel: \(name) has row-sparse gradients, which data-parallel training does not average; make the table dense")
        }
        // Layout: one flag per parameter (1 where this rank has a gradient), the loss, then every
        // gradient in order.
        let gradientElements = named.map { $0.parameter.value.scalarCount }.reduce(0, +)
        let total = named.count + 1 + gradientElements
        var flat = [Float](repeating: 0, count: total)
        flat.withUnsafeMutableBufferPointer { flat in
            var offset = named.count + 1
            flat[named.count] = loss
            for (index, (_, parameter)) in named.enumerated() {
                let count = parameter.value.scalarCount
                if let gradient = parameter.gradient {
                    flat[index] = 1
                    gradient.withUnsafeBufferPointer { source in
                        _ = UnsafeMutableBufferPointer(rebasing: flat[offset..<offset + count]).initialize(from: source)
                    }
                }
                offset += count
            }
            var start = 0
            while start < total {
                let end = min(start + Self.bucketElements, total)
                communicator.allReduceSum(UnsafeMutableBufferPointer(rebasing: flat[start..<end]))
                start = end
            }
            let ranks = Float(communicator.size)
            offset = named.count + 1
            for (index, (_, parameter)) in named.enumerated() {
                let count = parameter.value.scalarCount
                defer { offset += count }
                guard flat[index] > 0 else { continue }
                let mean = Tensor(unsafeUninitializedShape: parameter.value.shape) { out in
                    for i in 0..<count { out[i] = flat[offset + i] / ranks }
                }
                parameter.value.gradient = mean
            }
        }
        return flat[named.count] / Float(communicator.size)
    }

    /// Whether every rank holds rank 0's parameters and buffers bit for bit: each rank compares
    /// a digest of its own with rank 0's. Returns the ranks that differ (the same list on every
    /// rank; empty when all agree).
    public func ranksDifferingFromRankZero(in model: Module) -> [Int] {
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
        let tensors = model.parameters.map(\.value) + model.namedBuffers.map(\.buffer.value)
        for tensor in tensors {
            tensor.withUnsafeBufferPointer { values in
                for value in values { digest = (digest ^ UInt64(value.bitPattern)) &* 0x100_0000_01b3 }
            }
        }
        // The digest as four 16-bit pieces, exact in floats.
        var pieces = (0..<4).map { Float((digest >> (16 * UInt64($0))) & 0xffff) }
        let own = pieces
        pieces.withUnsafeMutableBufferPointer { communicator.broadcast($0, root: 0) }
        var differs = [Double](repeating: 0, count: communicator.size)
        differs[communicator.rank] = own == pieces ? 0 : 1
        return communicator.sum(differs).enumerated().filter { $0.element > 0 }.map(\.offset)
    }
}

/// Batch norm's statistics summed over a communicator's ranks.
private final class CommunicatorStatistics: StatisticsSynchronizer, @unchecked Sendable {
    let communicator: any Communicator
    init(communicator: any Communicator) { self.communicator = communicator }
    func sumAcrossProcesses(_ values: inout [Double]) { values.withUnsafeMutableBufferPointer { communicator.allReduceSum($0) } }
}
