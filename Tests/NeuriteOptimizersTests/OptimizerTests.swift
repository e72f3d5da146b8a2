import NeuriteCore
import NeuriteNN
import NeuriteOptimizers
import Testing
import _NeuriteTestSupport

/// The trajectory of a one-element parameter starting at 1 under the gradients
/// [1, 0.5, −0.25, 2] (golden_values.json part2).
func trajectory(_ makeOptimizer: ([Parameter]) throws -> Optimizer, gradients: [Float] = [1, 0.5, -0.25, 2]) throws -> [Float] {
    let parameter = Parameter(Tensor([1]))
    let optimizer = try makeOptimizer([parameter])
    return gradients.map { g in
        parameter.value.gradient = Tensor([g])
        optimizer.step()
        return parameter.value.scalar
    }
}

@Suite("Optimizers")
struct OptimizerTests {
    @Test func sgdTrajectoriesMatchPyTorch() throws {
        expectClose(Tensor(try trajectory { try SGD($0, learningRate: 0.1) }), [0.9, 0.85, 0.875, 0.675])
        expectClose(Tensor(try trajectory { try SGD($0, learningRate: 0.1, momentum: 0.9) }), [0.9, 0.76, 0.659, 0.3681])
        expectClose(Tensor(try trajectory { try SGD($0, learningRate: 0.1, momentum: 0.9, dampening: 0.1) }), [0.9, 0.765, 0.666, 0.3969])
        expectClose(Tensor(try trajectory { try SGD($0, learningRate: 0.1, momentum: 0.9, nesterov: true) }), [0.81, 0.634, 0.5681, 0.10629])
        expectClose(Tensor(try trajectory { try SGD($0, learningRate: 0.1, weightDecay: 0.01) }), [0.899, 0.848101, 0.872252899, 0.671380646101])
        expectClose(
            Tensor(try trajectory { try SGD($0, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01) }),
            [0.899, 0.757201, 0.653824699, 0.360132203401])
    }

    @Test func adamFamilyTrajectoriesMatchPyTorch() throws {
        expectClose(Tensor(try trajectory { try Adam($0, learningRate: 0.1) }), [0.900000001, 0.806782038298, 0.750415901496, 0.677047028139])
        expectClose(
            Tensor(try trajectory { try Adam($0, learningRate: 0.1, weightDecay: 0.1) }),
            [0.900000000909, 0.805771796892, 0.742195393775, 0.665501013876])
        expectClose(
            Tensor(try trajectory { try AdamW($0, learningRate: 0.1, weightDecay: 0.1) }),
            [0.890000001, 0.787882038288, 0.723637081103, 0.643031836935])
        expectClose(Tensor(try trajectory { try AdamW($0, learningRate: 0.1) }), [0.899000001, 0.804883038297, 0.747712018457, 0.673595433082])
        expectClose(
            Tensor(try trajectory { try Adam($0, learningRate: 0.1, amsgrad: true) }),
            [0.900000001, 0.806782038298, 0.750415901496, 0.677047028139])
        // The step is about the learning rate whatever the gradient's scale, until ε dominates.
        expectClose(Tensor(try trajectory({ try Adam($0, learningRate: 0.1) }, gradients: [1e-3])), [0.90000099999])
        expectClose(Tensor(try trajectory({ try Adam($0, learningRate: 0.1) }, gradients: [1e-9])), [0.990909090909])
    }

    @Test func amsgradKeepsTheLargestSecondMoment() throws {
        // A large gradient then small ones: AMSGrad keeps the large v, so its steps stay smaller.
        let gradients: [Float] = [10, 0.1, 0.1, 0.1]
        let plain = try trajectory({ try Adam($0, learningRate: 0.1) }, gradients: gradients)
        let ams = try trajectory({ try Adam($0, learningRate: 0.1, amsgrad: true) }, gradients: gradients)
        #expect(plain[0] == ams[0])
        #expect(1 - ams[3] < 1 - plain[3])
    }

    @Test func rmspropAndAdagradTrajectories() throws {
        expectClose(Tensor(try trajectory { try RMSprop($0, learningRate: 0.01) }), [0.90000001, 0.855098688526, 0.877109106145, 0.790047186048])
        expectClose(
            Tensor(try trajectory { try RMSprop($0, learningRate: 0.01, momentum: 0.9, centered: true) }),
            [0.899496228575, 0.763734076195, 0.663687716562, 0.485719892327])
        // Adagrad by PyTorch's formula, evaluated in Double.
        var theta = 1.0, sum = 0.0
        var expected: [Float] = []
        for (t, g) in [1.0, 0.5, -0.25, 2].enumerated() {
            sum += g * g
            theta -= (0.1 / (1 + Double(t) * 0.5)) * g / (sum.squareRoot() + 1e-10)
            expected.append(Float(theta))
        }
        expectClose(Tensor(try trajectory { try Adagrad($0, learningRate: 0.1, learningRateDecay: 0.5) }), expected)
    }

    @Test func parameterGroupsHaveTheirOwnRatesAndDecay() throws {
        let body = Parameter(Tensor([1])), head = Parameter(Tensor([1]))
        let optimizer = try SGD([ParameterGroup([body], learningRate: 0.01), ParameterGroup([head], weightDecay: 0.5)], learningRate: 0.1)
        body.value.gradient = Tensor([1])
        head.value.gradient = Tensor([1])
        optimizer.step()
        expectClose(body.value, [0.99])
        expectClose(head.value, [1 - 0.1 * 1.5])
        optimizer.zeroGradients()
        #expect(body.gradient == nil && head.gradient == nil)
    }

    @Test func frozenParametersAndMissingGradientsAreSkipped() throws {
        let frozen = Parameter(Tensor([1]), isTrainable: false), untouched = Parameter(Tensor([2]))
        let optimizer = try Adam([frozen, untouched], learningRate: 0.1)
        optimizer.step()
        #expect(frozen.value.scalar == 1 && untouched.value.scalar == 2)
    }

    @Test func invalidHyperParametersAreRejected() {
        #expect(throws: OptimizerConfigurationError.self) { try SGD([Parameter(Tensor([1]))], learningRate: -1) }
        #expect(throws: OptimizerConfigurationError(message: "SGD: Nesterov momentum needs momentum > 0 and dampening 0")) {
            try SGD([Parameter(Tensor([1]))], nesterov: true)
        }
        #expect(throws: OptimizerConfigurationError.self) { try Adam([Parameter(Tensor([1]))], beta1: 1) }
        #expect(throws: OptimizerConfigurationError.self) { try RMSprop([Parameter(Tensor([1]))], alpha: 2) }
        #expect(throws: OptimizerConfigurationError.self) { try Adagrad([Parameter(Tensor([1]))], epsilon: -1) }
    }

    @Test func stateRoundTripsAndResumesExactly() throws {
        func run(steps: Range<Int>, parameter: Parameter, optimizer: Optimizer) {
            for step in steps {
                parameter.value.gradient = Tensor([Float(step) - 1.5, 0.25 * Float(step)])
                optimizer.step()
            }
        }
        let straight = Parameter(Tensor([1, -1]))
        let optimizer = try Adam([straight], learningRate: 0.05, amsgrad: true)
        run(steps: 0..<6, parameter: straight, optimizer: optimizer)

        let resumed = Parameter(Tensor([1, -1]))
        let first = try Adam([resumed], learningRate: 0.05, amsgrad: true)
        run(steps: 0..<3, parameter: resumed, optimizer: first)
        let saved = first.state
        let second = try Adam([resumed], learningRate: 0.05, amsgrad: true)
        try second.load(saved)
        #expect(second.state == saved)
        run(steps: 3..<6, parameter: resumed, optimizer: second)
        #expect(resumed.value == straight.value)

        let mismatched = try Adam([Parameter(Tensor([1, 2, 3]))])
        #expect(throws: OptimizerStateError.self) { try mismatched.load(saved) }
    }

    /// Each optimiser's state is a typed value; PyTorch's names appear only in what it saves.
    @Test func typedStateSavesUnderPyTorchsNames() throws {
        let parameter = Parameter(Tensor([1, -1]))
        func stepOnce(_ optimizer: Optimizer) {
            parameter.value.gradient = Tensor([0.5, -2])
            optimizer.step()
        }
        let adam = try Adam([parameter], learningRate: 0.1, amsgrad: true)
        #expect(adam.state(of: parameter) == nil)
        stepOnce(adam)
        stepOnce(adam)
        let state = try #require(adam.state(of: parameter))
        #expect(state.step == 2)
        expectClose(try #require(state.exponentialAverage), [0.5 * 0.1 * 0.9 + 0.5 * 0.1, -2 * 0.1 * 0.9 - 2 * 0.1])
        #expect(Set(adam.state.parameters[0].keys) == ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"])
        #expect(adam.state.parameters[0]["step"] == OptimizerState.Values(shape: [], scalars: [2]))

        let names: [(Optimizer, Set<String>)] = [
            (try SGD([parameter], momentum: 0.9), ["momentum_buffer"]),
            (try SGD([parameter]), []),
            (try RMSprop([parameter], momentum: 0.9, centered: true), ["step", "square_avg", "grad_avg", "momentum_buffer"]),
            (try Adagrad([parameter]), ["step", "sum"]),
        ]
        for (optimizer, expected) in names {
            stepOnce(optimizer)
            #expect(Set(optimizer.state.parameters[0].keys) == expected, "\(type(of: optimizer))")
        }
    }

    @Test func savedStatesThatDoNotFitAreClearErrors() throws {
        let parameter = Parameter(Tensor([1, -1]))
        let optimizer = try Adam([parameter])
        func load(_ entries: [String: OptimizerState.Values]) throws {
            try optimizer.load(OptimizerState(learningRates: [0.1], parameters: [entries]))
        }
        #expect(
            throws: OptimizerStateError(
                message:
                    "optimizer state 'momentum_buffer' of parameter 0 is not one this optimizer keeps (exp_avg, exp_avg_sq, max_exp_avg_sq, step)")
        ) {
            try load(["momentum_buffer": .init(shape: [2], scalars: [0, 0])])
        }
        #expect(throws: OptimizerStateError(message: "optimizer state 'exp_avg' of parameter 0 has shape [3] and 3 values, the parameter shape [2]"))
        {
            try load(["exp_avg": .init(shape: [3], scalars: [0, 0, 0])])
        }
        #expect(throws: OptimizerStateError.self) { try load(["step": .init(shape: [], scalars: [1.5])]) }
        #expect(throws: OptimizerStateError.self) { try load(["exp_avg": .init(shape: [2], scalars: [0])]) }
        // Nothing changed by the failed loads.
        #expect(optimizer.state(of: parameter) == nil && optimizer.groups[0].learningRate == 1e-3)
    }

    /// Hyper-parameters are a value that can be checked before any parameter exists (the command
    /// line does so while parsing).
    @Test func settingsValidateOnTheirOwn() throws {
        #expect(throws: OptimizerConfigurationError(message: "Adam: betas (1.0, 0.999) must be in [0, 1)")) {
            try Adam.Settings(beta1: 1).validate()
        }
        try Adam.Settings.adamW.validate()
        #expect(throws: OptimizerConfigurationError(message: "RMSprop: alpha 2.0 is not in [0, 1]")) { try RMSprop.Settings(alpha: 2).validate() }
        #expect(throws: OptimizerConfigurationError.self) { try SGD.Settings(learningRate: -1).validate() }
        #expect(throws: OptimizerConfigurationError.self) { try Adagrad.Settings(epsilon: -1).validate() }
        let adamW = try AdamW([Parameter(Tensor([1]))])
        #expect(adamW.settings.decoupledWeightDecay && adamW.groups[0].weightDecay == 0.01)
        let group = ParameterGroup([Parameter(Tensor([1]))])
        #expect(group.learningRate == nil && group.weightDecay == nil)
        #expect(try SGD([group], learningRate: 0.3).groups[0].learningRate == 0.3)
    }

    @Test func gradientClippingMatchesPyTorch() {
        let a = Parameter(Tensor([3, 4])), b = Parameter(Tensor([12]))
        func setGradients() {
            a.value.gradient = Tensor([3, 4])
            b.value.gradient = Tensor([12])
        }
        setGradients()
        #expect(clipGradientNorm([a, b], maxNorm: 1) == 13)
        expectClose(Tensor.concatenate([a.gradient!, b.gradient!]), [0.230769213, 0.307692284, 0.923076852])
        a.value.gradient = Tensor([3, -4])
        b.value.gradient = Tensor([12])
        #expect(clipGradientNorm([a, b], maxNorm: 1, norm: .infinity) == 12)
        expectClose(Tensor.concatenate([a.gradient!, b.gradient!]), [0.24999998, -0.33333331, 0.99999992])
        a.value.gradient = Tensor([0.3, 0.4])
        b.value.gradient = nil
        clipGradientNorm([a, b], maxNorm: 1)
        expectClose(a.gradient!, [0.3, 0.4])  // below the maximum: (almost) unchanged
        a.value.gradient = Tensor([3, -4])
        b.value.gradient = Tensor([12])
        clipGradientValues([a, b], maxValue: 5)
        #expect(a.gradient?.scalars == [3, -4] && b.gradient?.scalars == [5])
        #expect(clipGradientNorm([Parameter(Tensor([1]))], maxNorm: 1) == 0)
    }
}
