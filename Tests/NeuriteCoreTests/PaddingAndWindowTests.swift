import NeuriteCore
import Testing
import _NeuriteTestSupport

@Suite("Padding and sliding windows")
struct PaddingAndWindowTests {
    static let x = patterned([2, 3, 4], 5)

    /// The gradient `backward()` gives for `sum(f(x) · weights)` with the fixtures' weights.
    func weightedGradient(of input: Tensor, _ function: (Tensor) -> Tensor) -> Tensor? {
        let leaf = input.requiringGradient()
        let output = function(leaf)
        (output * patterned(output.shape, 3)).sum().backward()
        return leaf.gradient
    }

    static let paddings: [(name: String, widths: [(before: Int, after: Int)], mode: PaddingMode)] = [
        ("constant", [(1, 2), (2, 1)], .constant(0.5)),
        ("reflect", [(1, 2), (2, 3)], .reflect),
        ("replicate", [(1, 2), (2, 3)], .replicate),
        ("symmetric", [(1, 3), (4, 2)], .symmetric),
        ("circular", [(1, 3), (5, 6)], .circular),
        ("last_axis_reflect", [(3, 0)], .reflect),
    ]

    @Test(arguments: paddings.indices)
    func paddingMatchesNumpyWithItsGradient(_ index: Int) throws {
        let (name, widths, mode) = Self.paddings[index]
        expectClose(Self.x.padded(widths, mode: mode), numpy("pad_\(name)"), absoluteTolerance: 0, relativeTolerance: 0, "\(name)")
        let gradient = try #require(weightedGradient(of: Self.x) { $0.padded(widths, mode: mode) })
        expectClose(gradient, numpy("pad_\(name)_gradient"), "\(name) gradient")
        let small = fixture([2, 3, 3], seed: UInt64(index + 1))
        let shrunk = widths.map { (before: min($0.before, 1), after: min($0.after, 2)) }
        expectGradientsMatch([small], "\(name)") { $0[0].padded(shrunk, mode: mode) }
    }

    @Test func paddingModesOnOneRow() {
        let row = Tensor([1, 2, 3, 4])
        func padded(_ mode: PaddingMode) -> [Float] { row.padded([(2, 2)], mode: mode).scalars }
        #expect(padded(.zeros) == [0, 0, 1, 2, 3, 4, 0, 0])
        #expect(padded(.reflect) == [3, 2, 1, 2, 3, 4, 3, 2])
        #expect(padded(.replicate) == [1, 1, 1, 2, 3, 4, 4, 4])
        #expect(padded(.edge) == padded(.replicate))
        #expect(padded(.symmetric) == [2, 1, 1, 2, 3, 4, 4, 3])
        #expect(padded(.circular) == [3, 4, 1, 2, 3, 4, 1, 2])
        #expect(row.padded([(0, 0)]) == row)
        #expect(Tensor.zeros([2, 0]).padded([(1, 1)], mode: .constant(7)).scalars == [7, 7, 7, 7])
    }

    @Test func slidingWindowsMatchNumpyWithTheirGradients() throws {
        let cases: [(name: String, input: Tensor, size: [Int], strides: [Int], dilation: [Int])] = [
            ("2d", patterned([2, 3, 7, 6], 5), [3, 2], [2, 1], [1, 2]),
            ("2d_overlapping", patterned([1, 2, 5, 5], 7), [3, 3], [1, 1], [1, 1]),
            ("1d", patterned([2, 2, 9], 7), [3], [2], [2]),
        ]
        for (name, input, size, strides, dilation) in cases {
            let windows = input.slidingWindows(size: size, strides: strides, dilation: dilation)
            expectClose(windows, numpy("windows_\(name)"), absoluteTolerance: 0, relativeTolerance: 0, "\(name)")
            let gradient = try #require(weightedGradient(of: input) { $0.slidingWindows(size: size, strides: strides, dilation: dilation) })
            expectClose(gradient, numpy("windows_\(name)_gradient"), "\(name) gradient")
        }
        #expect(patterned([2, 3, 7, 6], 5).slidingWindows(size: [3, 2], strides: [2, 1], dilation: [1, 2]).shape == [2, 3, 3, 4, 3, 2])
        expectGradientsMatch([fixture([1, 2, 5, 4], seed: 9)]) { $0[0].slidingWindows(size: [2, 2], strides: [2, 1], dilation: [2, 1]) }
    }

    @Test func windowsOfAPaddedImageKeepItsSize() {
        // A 3×3 "same" window over a padded 4×4 image: one window per pixel, centred on it.
        let image = Tensor((0..<16).map(Float.init), shape: [1, 1, 4, 4])
        let windows = image.padded([(1, 1), (1, 1)]).slidingWindows(size: [3, 3])
        #expect(windows.shape == [1, 1, 4, 4, 3, 3])
        #expect(windows.sum(axes: [4, 5]).scalars[5] == [0, 1, 2, 4, 5, 6, 8, 9, 10].reduce(0, +))
    }
}
