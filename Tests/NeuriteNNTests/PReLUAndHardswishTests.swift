import NeuriteCore
import NeuriteNN
import Testing
import _NeuriteTestSupport

/// Values and derivatives by PyTorch's definitions (`F.prelu`, `F.hardswish`), computed by hand.
@Suite("PReLU and Hardswish")
struct PReLUAndHardswishTests {
    static let x = Tensor([-4, -3, -1, -0.5, 0, 0.5, 1, 3, 4])

    @Test func hardswishValuesAndDerivativesFollowPyTorch() throws {
        expectClose(hardswish(Self.x), [0, 0, -1.0 / 3, -0.5 * 2.5 / 6, 0, 0.5 * 3.5 / 6, 4.0 / 6, 3, 4])
        let gradient = try #require(gradients(at: [Self.x]) { hardswish($0[0]).sum() }[0])
        expectClose(gradient, [0, 0, 1.0 / 6, 1.0 / 3, 0.5, 2.0 / 3, 5.0 / 6, 1, 1])
        expectGradientsMatch([Tensor([-3.5, -2, -0.7, 0.2, 1.3, 2.9, 3.4])]) { hardswish($0[0]) }
        let layer = Hardswish()
        #expect(layer(Self.x) == hardswish(Self.x) && layer.description == "Hardswish()" && layer.parameterCount == 0)
    }

    @Test func preluWithOneSlopeFollowsPyTorch() throws {
        let layer = PReLU()
        #expect(layer.weight.value == Tensor([0.25]) && layer.description == "PReLU()")
        #expect(layer.namedParameters.map(\.name) == ["weight"])
        expectClose(layer(Self.x), [-1, -0.75, -0.25, -0.125, 0, 0.5, 1, 3, 4])
        layer(Self.x).sum().backward()
        // ∂/∂a = Σ min(0, x); ∂/∂x is a at 0, as PyTorch.
        expectClose(try #require(layer.weight.gradient), [-8.5])
        let gradient = try #require(gradients(at: [Self.x]) { prelu($0[0], weight: Tensor([0.25])).sum() }[0])
        expectClose(gradient, [0.25, 0.25, 0.25, 0.25, 0.25, 1, 1, 1, 1])
    }

    @Test func preluPerChannelSlopesFollowPyTorch() throws {
        let x = Tensor((0..<12).map { Float($0) - 6.5 }, shape: [2, 3, 2])  // −6.5 … 4.5
        let layer = PReLU(channels: 3, initialSlope: 0.1)
        layer.weight.value = Tensor([0.1, 0.2, 0.3])
        #expect(layer.description == "PReLU(channels: 3, initialSlope: 0.1)")
        let expected = x.scalars.enumerated().map { index, value in value > 0 ? value : value * [0.1, 0.2, 0.3][index / 2 % 3] }
        expectClose(layer(x), expected)
        (layer(x) * patternedWeights(x.shape)).sum().backward()
        // Per channel: Σ over samples and positions of min(0, x) · upstream.
        var slopes: [Float] = [0, 0, 0]
        for (index, value) in x.scalars.enumerated() where value <= 0 { slopes[index / 2 % 3] += value * patternedWeights(x.shape).scalars[index] }
        expectClose(try #require(layer.weight.gradient), slopes, absoluteTolerance: 1e-5)
        expectGradientsMatch([Tensor([-1.5, 0.7, -0.3, 2.1, -2.2, 0.4], shape: [1, 3, 2]), Tensor([0.1, 0.2, 0.3])]) {
            prelu($0[0], weight: $0[1])
        }
    }

    func patternedWeights(_ shape: [Int]) -> Tensor {
        Tensor((0..<shape.reduce(1, *)).map { Float($0 % 5) - 1.5 }, shape: shape)
    }
}
