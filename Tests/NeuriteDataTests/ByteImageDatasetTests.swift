import Foundation
import NeuriteCore
import NeuriteKernels
import Testing

@testable import NeuriteData

@Suite("Byte image data sets")
struct ByteImageDatasetTests {
    @Test func batchesHaveTheBitsOfConvertingEverythingFirst() {
        let pixels = (0..<(6 * 2 * 3)).map { UInt8(truncatingIfNeeded: $0 * 37) }
        let targets = Tensor([0, 1, 2, 3, 4, 5])
        let bytes = ByteImageDataset(pixels: pixels, sampleShape: [1, 2, 3], targets: targets)
        let floats = TensorDataset(inputs: Tensor(pixels.map(Float.init), shape: [6, 1, 2, 3]) / 255, targets: targets)
        #expect(bytes.count == 6)
        for indices in [[0, 1, 2, 3, 4, 5], [5, 0, 3], [2]] {
            let a = bytes.batch(at: indices), b = floats.batch(at: indices)
            #expect(a.inputs.shape == b.inputs.shape)
            #expect(a.inputs.scalars.map(\.bitPattern) == b.inputs.scalars.map(\.bitPattern))
            #expect(a.targets.scalars == b.targets.scalars)
        }
        #expect(bytes.materialized().inputs.scalars == floats.inputs.scalars)
        // No images asked for, or none there at all: an empty batch.
        #expect(bytes.batch(at: []).inputs.shape == [0, 1, 2, 3])
        let empty = ByteImageDataset(pixels: [], sampleShape: [1, 2, 3], targets: Tensor.zeros([0]))
        #expect(empty.batch(at: []).inputs.shape == [0, 1, 2, 3] && empty.materialized().inputs.scalarCount == 0)
    }

    @Test("a batch large enough to be split over threads has the same bits on 1, 2 and 3 threads")
    func largeBatchesAreTheSameOnAnyThreadCount() {
        let (count, shape) = (300, [1, 28, 28])
        let pixels = (0..<(count * 784)).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 / 5) }
        let bytes = ByteImageDataset(pixels: pixels, sampleShape: shape, targets: Tensor((0..<count).map { Float($0 % 10) }))
        let indices = (0..<count).map { ($0 * 7 + 3) % count }
        let expected = indices.flatMap { row in pixels[row * 784..<(row + 1) * 784].map { (Float($0) / 255).bitPattern } }
        let saved = Threading.maximumThreads
        defer { Threading.maximumThreads = saved }
        for threads in [1, 2, 3] {
            Threading.maximumThreads = threads
            let batch = bytes.batch(at: indices)
            #expect(batch.inputs.shape == [count] + shape)
            #expect(batch.inputs.scalars.map(\.bitPattern) == expected, "\(threads) threads")
        }
    }

    @Test func idxFilesLoadAsBytesWithTheSameValues() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-idx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for prefix in ["train", "t10k"] {
            let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2] + (0..<12).map { UInt8($0 * 20) }
            let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 3, 4, 0, 9]
            #expect(FileManager.default.createFile(atPath: "\(directory)/\(prefix)-images-idx3-ubyte", contents: Data(images)))
            #expect(FileManager.default.createFile(atPath: "\(directory)/\(prefix)-labels-idx1-ubyte", contents: Data(labels)))
        }
        let compact = try IDXImageDataset.loadBytes(directory: directory), full = try IDXImageDataset.load(directory: directory)
        #expect(compact.train.sampleShape == [1, 2, 2] && compact.train.count == 3)
        #expect(compact.train.materialized().inputs.scalars == full.train.inputs.scalars)
        #expect(compact.test.targets.scalars == [4, 0, 9])
    }
}
