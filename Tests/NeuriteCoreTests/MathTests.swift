import NeuriteCore
import Testing
import _NeuriteTestSupport

@Suite("Unary math, comparisons, where, maximum and minimum")
struct MathTests {
    // golden_values.json part1 (PyTorch, float64) at x = [-3, -1, -0.5, 0, 0.5, 1, 3].
    static let x = Tensor([-3, -1, -0.5, 0, 0.5, 1, 3])

    @Test func activationsMatchPyTorch() {
        expectClose(sigmoid(Self.x), [0.0474258732, 0.2689414214, 0.3775406688, 0.5, 0.6224593312, 0.7310585786, 0.9525741268])
        expectClose(tanh(Self.x), [-0.9950547537, -0.761594156, -0.4621171573, 0, 0.4621171573, 0.761594156, 0.9950547537])
        // GELU, exact form: 0.5·x·(1 + erf(x/√2)), checks erf.
        let gelu = 0.5 * Self.x * (1 + erf(Self.x / Float(2.0.squareRoot())))
        expectClose(gelu, [-0.0040496941, -0.1586552539, -0.1542687694, 0, 0.3457312306, 0.8413447461, 2.9959503059])
        // softplus = log(1 + exp(x)).
        expectClose(log(1 + exp(Self.x)), [0.0485873516, 0.3132616875, 0.4740769842, 0.6931471806, 0.9740769842, 1.3132616875, 3.0485873516])
    }

    @Test func elementaryFunctionValues() {
        let v = Tensor([0.25, 1, 4])
        expectClose(exp(v), [1.2840254167, 2.7182818285, 54.5981500331])
        expectClose(log(v), [-1.3862943611, 0, 1.3862943611])
        expectClose(sqrt(v), [0.5, 1, 2])
        expectClose(square(v), [0.0625, 1, 16])
        expectClose(sin(v), [0.2474039593, 0.8414709848, -0.7568024953])
        expectClose(cos(v), [0.9689124217, 0.5403023059, -0.6536436209])
        expectClose(abs(Tensor([-2, 0, 3])), [2, 0, 3])
        expectClose(pow(v, 1.5), [0.125, 1, 8])
        expectClose(pow(v, Tensor([2, 3, 0.5])), [0.0625, 1, 2])
        expectClose(clamp(Tensor([-2, 0.5, 3]), min: -1, max: 1), [-1, 0.5, 1])
        expectClose(clamp(Tensor([-2, 0.5, 3]), min: 0), [0, 0.5, 3])
        #expect(clamp(Tensor([.nan]), min: 0, max: 1).scalars[0].isNaN)
    }

    @Test func sigmoidIsStableAtExtremes() {
        let s = sigmoid(Tensor([-1000, -90, 90, 1000]))
        #expect(s.scalars.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        #expect(s.scalars[3] == 1 && s.scalars[0] == 0)
    }

    @Test(arguments: [[5], [2, 3], [2, 1, 3], [0, 2]])
    func gradientsMatchFiniteDifferences(shape: [Int]) {
        let x = fixture(shape, seed: 7)
        let positive = fixture(shape, seed: 8, low: 0.5, high: 3)
        expectGradientsMatch([x]) { exp($0[0]) }
        expectGradientsMatch([positive]) { log($0[0]) }
        expectGradientsMatch([positive]) { sqrt($0[0]) }
        expectGradientsMatch([x]) { square($0[0]) }
        expectGradientsMatch([x]) { sin($0[0]) }
        expectGradientsMatch([x]) { cos($0[0]) }
        expectGradientsMatch([x]) { tanh($0[0]) }
        expectGradientsMatch([x]) { sigmoid($0[0]) }
        expectGradientsMatch([x]) { erf($0[0]) }
        expectGradientsMatch([positive]) { pow($0[0], 2.5) }
        expectGradientsMatch([x]) { pow($0[0], 3) }
        expectGradientsMatch([positive, x]) { pow($0[0], $0[1]) }
        let awayFromZero = x.mapForTest { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }  // off abs's kink
        expectGradientsMatch([awayFromZero]) { abs($0[0]) }
        expectGradientsMatch([x]) { -$0[0] }
    }

    @Test func derivativesAtKinksFollowPyTorch() {
        // d|x|/dx at 0 is 0; clamp passes the gradient at its bounds; x^0 has gradient 0;
        // d√x/dx at 0 is +∞.
        #expect(gradients(at: [Tensor([0, -1, 2])]) { abs($0[0]).sum() }[0]?.scalars == [0, -1, 1])
        #expect(gradients(at: [Tensor([-1, 0, 1, 2])]) { clamp($0[0], min: 0, max: 1).sum() }[0]?.scalars == [0, 1, 1, 0])
        #expect(gradients(at: [Tensor([0, 2])]) { pow($0[0], 0).sum() }[0]?.scalars == [0, 0])
        #expect(gradients(at: [Tensor([0])]) { sqrt($0[0]).sum() }[0]?.scalars == [.infinity])
        let powGradients = gradients(at: [Tensor([0, 0]), Tensor([2, 0])]) { pow($0[0], $0[1]).sum() }
        #expect(powGradients[0]?.scalars == [0, 0])
        #expect(powGradients[1]?.scalars == [0, 0])  // 0^y·ln 0 is taken as 0 for y ≥ 0
    }

    @Test func comparisonsGiveMasks() {
        let a = Tensor([1, 2, 3]), b = Tensor([3, 2, 1])
        #expect((a .== b).scalars == [0, 1, 0])
        #expect((a .!= b).scalars == [1, 0, 1])
        #expect((a .< b).scalars == [1, 0, 0])
        #expect((a .<= b).scalars == [1, 1, 0])
        #expect((a .> b).scalars == [0, 0, 1])
        #expect((a .>= b).scalars == [0, 1, 1])
        #expect((a .> 1.5).scalars == [0, 1, 1])
        #expect((Tensor([[1], [2]].flatMap { $0 }, shape: [2, 1]) .< a).shape == [2, 3])
        #expect(!(a.requiringGradient() .< b).requiresGradient)
    }

    @Test func whereChoosesAndRoutesGradients() {
        let condition = Tensor([1, 0, 1])
        let a = Tensor([1, 2, 3]), b = Tensor([[10], [20]].flatMap { $0 }, shape: [2, 1])
        let chosen = Tensor.where(condition, a, b)
        #expect(chosen.shape == [2, 3])
        #expect(chosen.scalars == [1, 10, 3, 1, 20, 3])
        let g = gradients(at: [a, b]) { Tensor.where(condition, $0[0], $0[1]).sum() }
        #expect(g[0]?.scalars == [2, 0, 2])
        #expect(g[1]?.scalars == [1, 1])
        expectGradientsMatch([fixture([2, 3], seed: 1), fixture([3], seed: 2)]) {
            Tensor.where(Tensor([1, 0, 0, 1, 1, 0], shape: [2, 3]), $0[0] * $0[0], $0[1])
        }
    }

    @Test func maximumAndMinimumSplitTiedGradients() {
        let a = Tensor([1, 5, 3]), b = Tensor([2, 5, 1])
        #expect(Tensor.maximum(a, b).scalars == [2, 5, 3])
        #expect(Tensor.minimum(a, b).scalars == [1, 5, 1])
        let g = gradients(at: [a, b]) { Tensor.maximum($0[0], $0[1]).sum() }
        #expect(g[0]?.scalars == [0, 0.5, 1])
        #expect(g[1]?.scalars == [1, 0.5, 0])
        let h = gradients(at: [a, b]) { Tensor.minimum($0[0], $0[1]).sum() }
        #expect(h[0]?.scalars == [1, 0.5, 0])
        #expect(Tensor.maximum(Tensor([.nan, 1]), Tensor([0, .nan])).scalars.allSatisfy { $0.isNaN })
        expectGradientsMatch([fixture([2, 3], seed: 5), fixture([3], seed: 6)]) { Tensor.maximum($0[0], $0[1]) }
        expectGradientsMatch([fixture([2, 3], seed: 5), fixture([2, 1], seed: 6)]) { Tensor.minimum($0[0], $0[1]) }
    }
}

@Suite("Method spellings")
struct MethodSpellingTests {
    /// `x.abs()`, `x.exp()`, … are the free functions, values and gradients.
    @Test func methodsAreTheFreeFunctions() {
        let x = Tensor([-1.5, -0.25, 0.5, 2])
        let positive = Tensor([0.5, 1, 2, 4])
        let pairs: [(Tensor, Tensor)] = [
            (x.abs(), abs(x)), (x.exp(), exp(x)), (positive.log(), log(positive)), (positive.sqrt(), sqrt(positive)),
            (x.square(), square(x)), (x.sin(), sin(x)), (x.cos(), cos(x)), (x.tanh(), tanh(x)), (x.sigmoid(), sigmoid(x)),
            (x.erf(), erf(x)),
        ]
        for (method, function) in pairs { #expect(method.scalars == function.scalars) }
        let leaf = Tensor([-2, 3], requiresGradient: true)
        leaf.abs().sum().backward()
        #expect(leaf.gradient?.scalars == [-1, 1])
    }
}
