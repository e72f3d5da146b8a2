import NeuriteCore
import NeuriteNN
import Testing
import _NeuriteTestSupport

/// Plain gradient descent, written out (the optimisers live in a later layer).
func descend(_ model: Module, steps: Int, learningRate: Float, loss: () -> Tensor) -> [Float] {
    var history: [Float] = []
    for _ in 0..<steps {
        model.zeroGradients()
        let value = loss()
        value.backward()
        history.append(value.scalar)
        withoutGradients {
            for parameter in model.trainableParameters { parameter.value -= learningRate * parameter.gradient! }
        }
    }
    return history
}

@Suite("Learning")
struct LearningTests {
    @Test func oneHiddenLayerFitsSine() {
        // Universal approximation: 1 → 32 → 1 with tanh, full-batch Adam-free descent with momentum
        // written out, on 64 points of [−π, π].
        var generator = PhiloxGenerator(seed: 1)
        let model = Sequential {
            Dense(1, 32, generator: &generator)
            Tanh()
            Dense(32, 1, generator: &generator)
        }
        let x = Tensor.linspace(-.pi, .pi, count: 64).reshaped([64, 1])
        let y = Tensor(x.scalars.map { Float(Foundation_sin(Double($0))) }, shape: [64, 1])
        var velocity = model.parameters.map { Tensor.zeros($0.shape) }
        for _ in 0..<3000 {
            model.zeroGradients()
            meanSquaredError(model(x), y).backward()
            withoutGradients {
                for (index, parameter) in model.parameters.enumerated() {
                    velocity[index] = velocity[index] * 0.9 + parameter.gradient!
                    parameter.value -= 0.05 * velocity[index]
                }
            }
        }
        let error = withoutGradients { abs(model(x) - y).max().scalar }
        #expect(error < 0.05, "max error \(error)")
    }

    @Test func residualBlocksTrainWhereAPlainDeepStackDoesNot() {
        // 30 blocks of Dense(16 → 16) + tanh, with and without shortcuts, same weights and data.
        func network(residual: Bool) -> Sequential {
            var generator = PhiloxGenerator(seed: 4)
            return Sequential {
                Dense(8, 16, generator: &generator)
                for _ in 0..<30 {
                    if residual {
                        Residual(
                            Sequential {
                                Dense(16, 16, generator: &generator)
                                Tanh()
                            })
                    } else {
                        Sequential {
                            Dense(16, 16, generator: &generator)
                            Tanh()
                        }
                    }
                }
                Dense(16, 1, generator: &generator)
            }
        }
        let x = fixture([32, 8], seed: 5, low: -1, high: 1)
        let y = sin(x.sum(axis: 1, keepDims: true))
        let residual = network(residual: true), plain = network(residual: false)
        let residualLosses = descend(residual, steps: 100, learningRate: 0.003) { meanSquaredError(residual(x), y) }
        let plainLosses = descend(plain, steps: 100, learningRate: 0.003) { meanSquaredError(plain(x), y) }
        #expect(residualLosses.last! < 0.5 * residualLosses.first!, "residual: \(residualLosses.first!) → \(residualLosses.last!)")
        #expect(residualLosses.last! < 0.5 * plainLosses.last!, "plain: \(plainLosses.first!) → \(plainLosses.last!)")
        // The plain stack's first layer barely moves: its gradient vanishes through 30 tanh layers.
        let firstResidual = residual.layers[0].parameters[0].gradient!.abs().max().scalar
        let firstPlain = plain.layers[0].parameters[0].gradient!.abs().max().scalar
        #expect(firstPlain < 0.001 * firstResidual, "first-layer gradients: plain \(firstPlain), residual \(firstResidual)")
    }
}

extension Tensor {
    func abs() -> Tensor { NeuriteCore.abs(self) }
}
