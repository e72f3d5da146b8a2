import NeuriteCore
import NeuriteKernels

/// Images kept as their bytes and converted to floats a batch at a time: a quarter of the memory
/// of a `TensorDataset` of the same images (47 MB rather than 188 MB for Fashion-MNIST's training
/// set). A batch's inputs are `Float(byte) / divisor`, the same bits as converting every image
/// first and dividing, so training on either gives the same model.
public struct ByteImageDataset: Dataset {
    /// The images' bytes, sample after sample, row-major.
    public let pixels: [UInt8]
    /// One image's shape, e.g. `[1, 28, 28]`.
    public let sampleShape: [Int]
    /// The targets `[N]` (class indices).
    public let targets: Tensor
    /// What each byte is divided by (255 maps to [0, 1]).
    public let divisor: Float

    /// A data set of `pixels` (`targets.shape[0]` images of `sampleShape`), scaled by `1/divisor`.
    public init(pixels: [UInt8], sampleShape: [Int], targets: Tensor, divisor: Float = 255) {
        precondition(
            targets.rank >= 1 && pixels.count == targets.shape[0] * sampleShape.reduce(1, *),
            "ByteImageDataset: \(pixels.count) bytes for \(targets.shape.first ?? 0) images of shape \(sampleShape)")
        precondition(divisor > 0 && divisor.isFinite, "ByteImageDataset: divisor \(divisor) must be positive")
        self.pixels = pixels
        self.sampleShape = sampleShape
        self.targets = targets.detached()
        self.divisor = divisor
    }

    public var count: Int { targets.shape[0] }

    public func batch(at indices: [Int]) -> Batch {
        let size = sampleShape.reduce(1, *), divisor = divisor
        let inputs = Tensor(unsafeUninitializedShape: [indices.count] + sampleShape) { buffer in
            for index in indices {
                precondition((0..<count).contains(index), "ByteImageDataset: index \(index) outside \(count) images")
            }
            guard !indices.isEmpty, size > 0 else { return }  // nothing to gather (and no storage to point at)
            pixels.withUnsafeBufferPointer { source in
                indices.withUnsafeBufferPointer { rows in
                    // Split over the kernels' threads once there are 64 Ki pixels (a batch of 84
                    // MNIST images; smaller gathers take a few microseconds). A background loader
                    // runs it on its own thread (`Parallel.serially`).
                    let (table, output) = (UncheckedSendable(source.baseAddress!), UncheckedSendable(buffer.baseAddress!))
                    let parts = indices.count * size >= 1 << 16 ? Threading.maximumThreads : 1
                    Parallel.forEachRange(indices.count, threads: parts) { range in
                        Conversion.floats(
                            gatheringRows: UnsafeBufferPointer(rebasing: rows[range]), ofSize: size, fromBytes: table.value,
                            into: output.value + range.lowerBound * size, dividedBy: divisor)
                    }
                }
            }
        }
        return Batch(inputs: inputs, targets: targets.indexSelect(axis: 0, indices: indices))
    }

    /// Every image converted, as a `TensorDataset`.
    public func materialized() -> TensorDataset { TensorDataset(inputs: batch(at: Array(0..<count)).inputs, targets: targets) }
}
