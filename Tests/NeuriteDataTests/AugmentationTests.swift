import NeuriteCore
import NeuriteData
import Testing
import _NeuriteTestSupport

@Suite("Augmentation")
struct AugmentationTests {
    // golden_values.json part8 (torchvision).
    static let image = Tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], shape: [1, 3, 3])

    @Test func flipsAndRotationsMatchTorchvision() {
        #expect(ImageOps.horizontalFlip(Self.image).scalars == [3, 2, 1, 6, 5, 4, 9, 8, 7])
        #expect(ImageOps.verticalFlip(Self.image).scalars == [7, 8, 9, 4, 5, 6, 1, 2, 3])
        #expect(ImageOps.rotate(Self.image, degrees: 90, interpolation: .nearest).scalars == [3, 6, 9, 2, 5, 8, 1, 4, 7])
        #expect(ImageOps.rotate(Self.image, degrees: 45, interpolation: .nearest).scalars == [2, 3, 6, 1, 5, 9, 4, 7, 8])
        expectClose(ImageOps.rotate(Self.image, degrees: 90), [3, 6, 9, 2, 5, 8, 1, 4, 7], absoluteTolerance: 1e-5)
        #expect(ImageOps.rotate(Self.image, degrees: 0) == Self.image)
    }

    @Test func paddingModesMatchTorchvision() {
        let row = Tensor([1, 2, 3, 4], shape: [1, 1, 4])
        func padded(_ mode: PaddingMode) -> [Float] { ImageOps.pad(row, 2, mode: mode)[0, 2].scalars }
        #expect(padded(.constant(0)) == [0, 0, 1, 2, 3, 4, 0, 0])
        #expect(padded(.edge) == [1, 1, 1, 2, 3, 4, 4, 4])
        let wide = Tensor([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4], shape: [1, 3, 4])
        #expect(ImageOps.pad(wide, 2, mode: .reflect)[0, 2].scalars == [3, 2, 1, 2, 3, 4, 3, 2])
        #expect(ImageOps.pad(wide, 2, mode: .symmetric)[0, 2].scalars == [2, 1, 1, 2, 3, 4, 4, 3])
    }

    @Test func colourAdjustmentsMatchTorchvision() {
        let rgb = Tensor([0.2, 0.8, 0.4, 0.6, 0.6, 0.1], shape: [3, 1, 2])
        expectClose(ImageOps.adjustBrightness(rgb, factor: 1.5), [0.3, 1.0, 0.6, 0.9, 0.9, 0.15])
        expectClose(ImageOps.adjustContrast(rgb, factor: 0.5), [0.341425, 0.641425, 0.441425, 0.541425, 0.541425, 0.291425])
    }

    @Test func randomAugmentationsKeepShapeRangeAndReproducibility() {
        var generator = PhiloxGenerator(seed: 1)
        let images = Tensor.uniform([4, 1, 8, 8], generator: &generator)
        let batch = Batch(inputs: images, targets: Tensor([0, 1, 2, 3]))
        let pipeline = Augmentation.pipeline([
            .horizontalFlip(), .randomCrop(padding: 2), .rotation(degrees: 15),
            .brightness(0.3), .contrast(0.3), .gaussianNoise(standardDeviation: 0.05), .cutout(size: 3),
        ])
        var g1 = PhiloxGenerator(seed: 9), g2 = PhiloxGenerator(seed: 9)
        let a = pipeline(batch, &g1), b = pipeline(batch, &g2)
        #expect(a.inputs == b.inputs && a.inputs.shape == [4, 1, 8, 8] && a.targets == batch.targets)
        #expect(a.inputs.min().scalar >= 0 && a.inputs.max().scalar <= 1)
        #expect(a.inputs != images)
        // A crop with padding is a translation: every window of the padded image appears.
        var positions = Set<[Float]>()
        var crop = PhiloxGenerator(seed: 3)
        for _ in 0..<200 { positions.insert(Augmentation.randomCrop(padding: 1).apply(Self.image, generator: &crop).scalars) }
        #expect(positions.count == 9)
        // Flips happen about half the time; cutout zeroes a square.
        var flips = 0
        var flipGenerator = PhiloxGenerator(seed: 4)
        for _ in 0..<1000 where Augmentation.horizontalFlip().apply(Self.image, generator: &flipGenerator) != Self.image { flips += 1 }
        #expect((430...570).contains(flips))
        var cutGenerator = PhiloxGenerator(seed: 5)
        let cut = Augmentation.cutout(size: 2).apply(Tensor.ones([1, 6, 6]), generator: &cutGenerator)
        #expect((1...4).contains(cut.scalars.filter { $0 == 0 }.count))
    }
}
