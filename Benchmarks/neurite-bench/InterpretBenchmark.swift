import Neurite
import NeuriteKernels

/// Attributions of a Fashion-MNIST-sized MLP (784-256-128-10, ReLU) through `Explainer`, against
/// the same computations written by hand in NumPy (forward and backward passes of the MLP, no
/// framework): saliency of 128 images, integrated gradients of 16 images with 64 Gauss–Legendre
/// steps (1,024 rows per pass), occlusion of 4 images with 4×4 windows at stride 2 (169 windows).
func runInterpretBenchmarks(quick: Bool, rounds: Int) throws {
    let budget = quick ? 0.3 : 1.0
    let numpy = try NumpyReference(threads: Threading.maximumThreads)
    var generator = PhiloxGenerator(seed: 11)
    let model = Sequential {
        Flatten()
        Dense(784, 256, generator: &generator)
        ReLU()
        Dense(256, 128, generator: &generator)
        ReLU()
        Dense(128, 10, generator: &generator)
    }
    model.eval()
    let explainer = Explainer(model)
    let images = Tensor.uniform([128, 1, 28, 28], generator: &generator)
    var sink: Float = 0
    let cases: [(String, () -> Tensor)] = [
        ("saliency-128", { explainer.saliency(images) }),
        ("ig-16x64", { explainer.integratedGradients(images[0..<16], steps: 64).attributions }),
        ("occlusion-4", { explainer.occlusion(images[0..<4], window: [1, 4, 4], strides: [1, 2, 2]) }),
    ]
    print("\nAttributions, MLP 784-256-128-10, \(Threading.maximumThreads) threads (ms)")
    print("\(padded("method", 14)) \(padded("Neurite", 9)) \(padded("NumPy", 9)) \(padded("ratio", 6))")
    for (name, attribute) in cases {
        let (ours, theirs) = try alternating(
            rounds: rounds,
            {
                medianSeconds(budget: budget) { sink += attribute().scalars[0] }
            },
            {
                try numpy.attribution(name, budget: budget)
            })
        print(
            "\(padded(name, 14)) \(padded(formatted(ours * 1e3, decimals: 2), 9)) \(padded(formatted(theirs * 1e3, decimals: 2), 9)) \(padded(formatted(theirs / ours, decimals: 2), 6))"
        )
    }
    precondition(sink.isFinite)
}
