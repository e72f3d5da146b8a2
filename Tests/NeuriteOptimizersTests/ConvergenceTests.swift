import NeuriteCore
import NeuriteNN
import NeuriteOptimizers
import Testing
import _NeuriteTestSupport

@Suite("Convergence")
struct ConvergenceTests {
    /// Steps until f(x) = ½(x₁² + 100·x₂²) from (1, 1) drops below 10⁻⁶ (condition number 100),
    /// or nil within `limit`.
    func stepsToConverge(limit: Int = 5000, _ makeOptimizer: ([Parameter]) throws -> Optimizer) throws -> Int? {
        let x = Parameter(Tensor([1, 1]))
        let optimizer = try makeOptimizer([x])
        let curvature = Tensor([1, 100])
        for step in 0..<limit {
            optimizer.zeroGradients()
            let loss = (curvature * x.value * x.value).sum() * 0.5
            if loss.scalar < 1e-6 { return step }
            loss.backward()
            optimizer.step()
        }
        return nil
    }

    @Test func momentumAndAdamBeatPlainSGDOnAnIllConditionedQuadratic() throws {
        // Each with a good learning rate for this problem (SGD is limited to γ < 2/100).
        let sgd = try #require(try stepsToConverge { try SGD($0, learningRate: 0.019) })
        let momentum = try #require(try stepsToConverge { try SGD($0, learningRate: 0.012, momentum: 0.8) })
        let nesterov = try #require(try stepsToConverge { try SGD($0, learningRate: 0.01, momentum: 0.9, nesterov: true) })
        let adam = try #require(try stepsToConverge { try Adam($0, learningRate: 0.05) })
        #expect(momentum < sgd / 2, "momentum \(momentum) vs SGD \(sgd)")
        #expect(nesterov < sgd / 2, "Nesterov \(nesterov) vs SGD \(sgd)")
        #expect(adam < sgd, "Adam \(adam) vs SGD \(sgd)")
        #expect(try stepsToConverge { try AdamW($0, learningRate: 0.05, weightDecay: 0) } == adam)
        #expect(try stepsToConverge { try RMSprop($0, learningRate: 0.01) } != nil)
        #expect(try stepsToConverge { try Adagrad($0, learningRate: 0.5) } != nil)
    }

    @Test(arguments: ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
    func everyOptimizerTrainsASmallNetwork(name: String) throws {
        var generator = PhiloxGenerator(seed: 3)
        let model = Sequential {
            Dense(2, 16, generator: &generator)
            Tanh()
            Dense(16, 1, generator: &generator)
        }
        let x = Tensor([0, 0, 0, 1, 1, 0, 1, 1], shape: [4, 2])
        let y = Tensor([0, 1, 1, 0], shape: [4, 1])
        let parameters = model.parameters
        let optimizer: Optimizer =
            switch name {
            case "SGD": try SGD(parameters, learningRate: 0.2, momentum: 0.9)
            case "Adam": try Adam(parameters, learningRate: 0.02)
            case "AdamW": try AdamW(parameters, learningRate: 0.02)
            case "RMSprop": try RMSprop(parameters, learningRate: 0.01)
            default: try Adagrad(parameters, learningRate: 0.2)
            }
        var loss = Float.infinity
        for _ in 0..<500 {
            optimizer.zeroGradients()
            let value = meanSquaredError(model(x), y)
            value.backward()
            optimizer.step()
            loss = value.scalar
        }
        #expect(loss < 0.01, "\(name): final loss \(loss)")
    }
}
