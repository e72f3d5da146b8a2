import NeuriteCore
import Testing
import _NeuriteTestSupport

@Suite("Automatic differentiation")
struct AutogradTests {
    @Test func chainRuleThroughAComposition() {
        // f(x) = sin(x²)·eˣ, f'(x) = 2x·cos(x²)·eˣ + sin(x²)·eˣ.
        let x = Tensor([0.5, -1.2], requiresGradient: true)
        (sin(x * x) * exp(x)).sum().backward()
        let expected = x.scalars.map { v -> Float in
            let d = Double(v)
            return Float(2 * d * Foundation_cos(d * d) * Foundation_exp(d) + Foundation_sin(d * d) * Foundation_exp(d))
        }
        expectClose(x.gradient!, expected)
    }

    @Test func sharedSubexpressionsSumTheirContributions() {
        // y = x·x + x uses x three times: dy/dx = 2x + 1.
        let x = Tensor([3], requiresGradient: true)
        let y = x * x + x
        y.backward()
        #expect(x.gradient?.scalars == [7])
    }

    @Test func gradientsWithRespectToChosenInputsLeaveEveryLeafAlone() {
        // f = Σ (w·x)² with w = [1, 2], x = [3, −1]: ∂f/∂x = 2(w·x)·w = [2, 4], ∂f/∂w = 2(w·x)·x = [6, −2].
        let w = Tensor([1, 2], requiresGradient: true), x = Tensor([3, -1], requiresGradient: true)
        let unused = Tensor([5], requiresGradient: true)
        let f = { ((w * x).sum() * (w * x).sum()) }
        let both = Tensor.gradients(of: f(), withRespectTo: [x, w, unused])
        #expect(both[0].scalars == [2, 4] && both[1].scalars == [6, -2] && both[2].scalars == [0])
        #expect(w.gradient == nil && x.gradient == nil, "no leaf accumulates")
        // With an upstream gradient, for a non-scalar output.
        let vector = Tensor.gradients(of: w * x, withRespectTo: [x], upstream: Tensor([10, 100]))
        #expect(vector[0].scalars == [10, 200])
    }

    @Test func gradientsOnlyForChosenLeavesTreatTheOthersAsConstants() {
        // f = Σ tanh(x·W + b): inside withGradients(onlyFor: [x]) W and b are constants.
        let w = Tensor(rows: [[1, -2], [0.5, 3]], requiresGradient: true), b = Tensor([0.1, -0.2], requiresGradient: true)
        let x = Tensor(rows: [[1, 2], [-1, 0.5]], requiresGradient: true)
        let f = { tanh(matmul(x, w) + b).sum() }
        let restricted = withGradients(onlyFor: [x]) { f() }
        restricted.backward()
        let full = Tensor.gradients(of: f(), withRespectTo: [x])[0]
        #expect(x.gradient == full, "the same input gradient as without the restriction")
        #expect(w.gradient == nil && b.gradient == nil, "constants receive nothing")
        // Outside the scope everything records again.
        f().backward()
        #expect(w.gradient != nil && b.gradient != nil)
        // A result that depends on no chosen leaf is not recorded at all.
        #expect(!withGradients(onlyFor: [x]) { (w * 2).requiresGradient })
    }

    @Test func gradientsAccumulateAcrossBackwardCalls() {
        let x = Tensor([1, 2], requiresGradient: true)
        (x * 3).sum().backward()
        (x * x).sum().backward()
        #expect(x.gradient?.scalars == [5, 7])
        x.gradient = nil
        #expect(x.gradient == nil)
    }

    @Test func retainingTheGraphAllowsASecondPass() {
        let x = Tensor([2], requiresGradient: true)
        let y = x * x
        y.backward(retainingGraph: true)
        y.backward()
        #expect(x.gradient?.scalars == [8])
    }

    @Test func secondPassThroughAFreedGraphIsAPrecondition() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([2], requiresGradient: true)
            let y = x * x
            y.backward()
            y.backward()
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("already freed"))
        }
    }

    @Test func explicitUpstreamGradientForNonScalars() {
        let x = Tensor([1, 2, 3], requiresGradient: true)
        (x * x).backward(Tensor([1, 0, -1]))
        #expect(x.gradient?.scalars == [2, 0, -6])
    }

    @Test func noGradientScopeAndDetach() {
        let x = Tensor([1, 2], requiresGradient: true)
        let inside = withoutGradients { x * 2 }
        #expect(!inside.requiresGradient)
        #expect(withoutGradients { withGradients { (x * 2).requiresGradient } })
        #expect(!x.detached().requiresGradient)
        #expect(x.detached().sharesStorage(with: x))
        let y = (x * x.detached()).sum()  // the detached factor is a constant
        y.backward()
        #expect(x.gradient?.scalars == [1, 2])
        #expect(!(Tensor([1]) * 2).requiresGradient)
    }

    @Test func onlyLeavesKeepGradients() {
        let x = Tensor([1, 2], requiresGradient: true)
        let hidden = x * 2
        (hidden * hidden).sum().backward()
        #expect(x.isLeaf && !hidden.isLeaf)
        #expect(hidden.gradient == nil)
        #expect(x.gradient?.scalars == [8, 16])
    }

    @Test func veryDeepGraphsDoNotOverflowTheStack() {
        let x = Tensor([1], requiresGradient: true)
        var y = x
        for _ in 0..<20_000 { y = y * 1.0001 }
        y.sum().backward()
        expectClose(x.gradient!, [Float(Foundation_pow(1.0001, 20_000))], relativeTolerance: 1e-3)
    }

    @Test func customOperationsRecordTheirRule() {
        // A user-defined op: cube with its own derivative 3x².
        func cube(_ x: Tensor) -> Tensor {
            let input = x.detached()
            return Tensor.recording("cube", value: input * input * input, inputs: [x]) { g in [g * input * input * 3] }
        }
        expectGradientsMatch([fixture([4], seed: 3)]) { cube($0[0]) }
        #expect(!withoutGradients { cube(Tensor([1], requiresGradient: true)).requiresGradient })
    }

    @Test func checkGradientsCatchesAWrongRule() {
        func wrongSquare(_ x: Tensor) -> Tensor {
            let input = x.detached()
            return Tensor.recording("wrongSquare", value: input * input, inputs: [x]) { g in [g * input] }  // should be 2x
        }
        let result = checkGradients(of: { wrongSquare($0[0]) }, at: [Tensor([1, 2])])
        #expect(!result.passed)
        #expect(result.worst?.analytic == 2 && abs(result.worst!.numeric - 4) < 1e-2)
        #expect(result.comparedEntries == 4)
        #expect(checkGradients(of: { $0[0] * $0[0] }, at: [Tensor([1, 2])]).passed)
    }
}
