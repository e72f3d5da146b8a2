import NeuriteCore
import NeuriteNN
import Testing
import _NeuriteTestSupport

/// A model with named children, like a PyTorch module with `self.features` and `self.fc`.
final class TwoPart: Module {
    let features = Sequential {
        Dense(4, 3)
        ReLU()
    }
    let fc = Dense(3, 2)
    override func forward(_ input: Tensor) -> Tensor { fc(features(input)) }
}

@Suite("Modules")
struct ModuleTests {
    @Test func parameterNamesMatchPyTorchStateDictKeys() {
        // golden part5: Sequential(Linear(4,3), ReLU(), BatchNorm1d(3), Linear(3,2)).
        let model = Sequential {
            Dense(4, 3)
            ReLU()
            BatchNorm(3)
            Dense(3, 2)
        }
        let parameters = model.namedParameters.map { ($0.name, $0.parameter.shape) }
        #expect(parameters.map(\.0) == ["0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias"])
        #expect(parameters.map(\.1) == [[3, 4], [3], [3], [3], [2, 3], [2]])
        let buffers = model.namedBuffers.map { ($0.name, $0.buffer.value.shape) }
        #expect(buffers.map(\.0) == ["2.running_mean", "2.running_var", "2.num_batches_tracked"])
        #expect(buffers.map(\.1) == [[3], [3], []])
        #expect(TwoPart().namedParameters.map(\.name) == ["features.0.weight", "features.0.bias", "fc.weight", "fc.bias"])
    }

    @Test func modesPropagateToEveryDescendant() {
        let model = TwoPart()
        #expect(model.namedModules.allSatisfy { $0.module.isTraining })
        model.eval()
        #expect(model.namedModules.allSatisfy { !$0.module.isTraining })
        model.train()
        #expect(model.namedModules.count == 5)
        #expect(model.namedModules.allSatisfy { $0.module.isTraining })
    }

    @Test func frozenParametersReceiveNoGradient() {
        let model = TwoPart()
        model.features.freeze()
        #expect(model.trainableParameterCount == 3 * 2 + 2)
        #expect(model.parameterCount == 4 * 3 + 3 + 3 * 2 + 2)
        model(fixture([5, 4], seed: 1)).sum().backward()
        #expect(model.features.parameters.allSatisfy { $0.gradient == nil })
        #expect(model.fc.parameters.allSatisfy { $0.gradient != nil })
        model.zeroGradients()
        #expect(model.fc.weight.gradient == nil)
        model.unfreeze()
        #expect(model.trainableParameterCount == model.parameterCount)
    }

    @Test func modelsPrintAsTrees() {
        #expect(Dense(784, 256).description == "Dense(784 => 256)")
        #expect(Dense(3, 1, bias: false).description == "Dense(3 => 1, bias: false)")
        let model = Sequential {
            Dense(2, 4)
            ReLU()
            Residual(
                Sequential {
                    Dense(4, 4)
                    Tanh()
                })
            Dropout(0.25)
        }
        #expect(
            model.description == """
                Sequential(
                  (0): Dense(2 => 4)
                  (1): ReLU()
                  (2): Residual(
                    (body): Sequential(
                      (0): Dense(4 => 4)
                      (1): Tanh()
                    )
                  )
                  (3): Dropout(0.25)
                )
                """)
    }

    @Test func summaryTableLikeKeras() {
        let model = Sequential {
            Dense(20, 64)
            BatchNorm(64)
            Dropout(0.5)
            Dense(64, 10)
        }
        model.namedParameters[0].parameter.isTrainable = false
        let table = model.summary(inputShape: [20], title: "demo")
        #expect(
            table == """
                Model: "demo"
                ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
                ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
                ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
                │ 0 (Dense)                       │ (None, 64)             │         1,344 │
                ├─────────────────────────────────┼────────────────────────┼───────────────┤
                │ 1 (BatchNorm)                   │ (None, 64)             │           128 │
                ├─────────────────────────────────┼────────────────────────┼───────────────┤
                │ 2 (Dropout)                     │ (None, 64)             │             0 │
                ├─────────────────────────────────┼────────────────────────┼───────────────┤
                │ 3 (Dense)                       │ (None, 10)             │           650 │
                └─────────────────────────────────┴────────────────────────┴───────────────┘
                 Total params: 2,122 (8.29 KB)
                 Trainable params: 842 (3.29 KB)
                 Non-trainable params: 1,280 (5.00 KB)
                """)
        #expect(model.isTraining)
    }

    @Test func denseShapesAndPyTorchDefaultInitialisation() {
        // golden part5: Linear(20, 30) weights and bias within ±1/√20 = ±0.2236.
        var generator = PhiloxGenerator(seed: 5)
        let layer = Dense(20, 30, generator: &generator)
        #expect(layer.weight.shape == [30, 20] && layer.bias?.shape == [30])
        let bound: Float = 0.22360679774997896
        #expect(layer.weight.value.scalars.allSatisfy { abs($0) <= bound })
        #expect(layer.weight.value.scalars.map(abs).max()! > 0.9 * bound)
        #expect(layer.bias!.value.scalars.allSatisfy { abs($0) <= bound })
        #expect(layer(fixture([7, 20], seed: 2)).shape == [7, 30])
        #expect(layer(fixture([2, 3, 20], seed: 2)).shape == [2, 3, 30])
        let x = fixture([5, 20], seed: 3)
        expectClose(layer(x), matmul(x, layer.weight.value.transposed()) + layer.bias!.value, absoluteTolerance: 1e-5)
    }

    @Test func layerGradientsMatchFiniteDifferences() {
        var generator = PhiloxGenerator(seed: 8)
        let dense = Dense(3, 2, generator: &generator)
        expectGradientsMatch([fixture([4, 3], seed: 1), dense.weight.value, dense.bias!.value]) { inputs in
            matmul(inputs[0], inputs[1], transposeB: true) + inputs[2]
        }
        expectGradientsMatch([fixture([4, 3], seed: 2)]) { dense($0[0]) }
        let norm = BatchNorm(3)
        expectGradientsMatch([fixture([5, 3], seed: 3)]) { norm($0[0]) * Tensor([1, -2, 0.5]) }
        let layerNorm = LayerNorm(4)
        expectGradientsMatch([fixture([2, 4], seed: 4)]) { layerNorm($0[0]) * Tensor([1, -2, 0.5, 3]) }
        let block = Residual(
            Sequential {
                Dense(3, 3, generator: &generator)
                Tanh()
            })
        expectGradientsMatch([fixture([2, 3], seed: 5)]) { block($0[0]) }
        let projected = Residual(Dense(3, 5, generator: &generator), projection: Dense(3, 5, bias: false, generator: &generator))
        expectGradientsMatch([fixture([2, 3], seed: 6)]) { projected($0[0]) }
        expectGradientsMatch([fixture([2, 3, 2], seed: 7)]) { Flatten()($0[0]) * Tensor.arange(6) }
    }

    @Test func shapeMismatchNamesTheLayer() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Dense(784, 256)(Tensor.zeros([2, 100]))
        }.map { result in
            #expect(
                String(decoding: result.standardErrorContent, as: UTF8.self)
                    .contains("Dense(784 => 256): input of shape [2, 100] does not end in 784 features"))
        }
    }
}

@Suite("README")
struct ReadmeNetworkTests {
    /// The "Networks" snippet of README.md, with its claims checked.
    @Test func networksSnippetRunsAsDescribed() {
        DefaultGenerator.seed(42)
        let images = fixture([8, 784], seed: 1, low: 0, high: 1)
        let labels = Tensor([0, 1, 2, 3, 4, 5, 6, 7])
        let model = Sequential {
            Dense(784, 256)
            ReLU()
            Dropout(0.2)
            Dense(256, 10)
        }
        let loss = crossEntropy(logits: model(images), classIndices: labels, labelSmoothing: 0.1)
        loss.backward()
        #expect(model.parameters.allSatisfy { $0.gradient?.shape == $0.shape })
        #expect(model.description.hasPrefix("Sequential(\n  (0): Dense(784 => 256)"))
        #expect(model.summary(inputShape: [784]).contains("│ 3 (Dense)"))
        #expect(model.namedParameters.map(\.name) == ["0.weight", "0.bias", "3.weight", "3.bias"])
    }
}
