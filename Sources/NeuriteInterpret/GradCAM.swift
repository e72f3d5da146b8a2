import NeuriteCore
import NeuriteNN

/// Grad-CAM (Selvaraju et al. 2017, Captum's `LayerGradCam`): where in an image a convolutional
/// layer saw evidence for the target class.
///
/// With `A` the layer's output `[N, C, h, w]` and `y` the target output,
/// `αₙ꜀ = mean_{h,w} ∂yₙ/∂Aₙ꜀ₕᵥᵥ` and `mapₙ = Σ꜀ αₙ꜀ · Aₙ꜀` (`[N, 1, h, w]`), signed unless
/// `reluAttributions` (Captum's default is signed; the paper applies ReLU). Maps are not
/// normalised; `upsampled(to:mode:)` brings them to the input's size as Captum's
/// `LayerAttribution.interpolate` does.
public struct GradCAM {
    /// The map, `[N, 1, h, w]`.
    public let map: Tensor
    /// The channel weights α, `[N, C]`.
    public let channelWeights: Tensor

    /// Grad-CAM of `model`'s layer named `layer` (a dotted name as in `namedModules`, e.g. `"1"`
    /// for the ReLU after the first convolution) for `inputs`; the layer's output must be
    /// `[N, C, h, w]` (or `[N, C, L]`, giving `[N, 1, L]`). Runs in the model's current mode: call
    /// `model.eval()` first. The parameters' gradients are left untouched.
    /// - Precondition: the layer exists and runs once per forward pass on a batch of images.
    public init(model: Module, layer: String, inputs: Tensor, target: AttributionTarget = .predicted, reluAttributions: Bool = false) {
        guard let observed = model.namedModules.first(where: { $0.name == layer })?.module else {
            preconditionFailure("GradCAM: no layer named '\(layer)'; the layers are \(model.namedModules.map(\.name).filter { !$0.isEmpty })")
        }
        var activation: Tensor?
        let observation = ModuleObservation { module, output in
            guard module === observed, activation == nil else { return output }
            let leaf = output.detached().requiringGradient()
            activation = leaf
            return leaf
        }
        let outputs = observation.observe { model(inputs.detached()) }
        guard let activation else { preconditionFailure("GradCAM: layer '\(layer)' did not run in the forward pass") }
        precondition(
            activation.rank >= 3, "GradCAM: layer '\(layer)' gives outputs of shape \(activation.shape); Grad-CAM needs maps [N, C, …]")
        let explainer = Explainer(forward: { _ in outputs })
        let columns = explainer.columns(for: target, outputs: outputs.detached(), inputShape: inputs.shape, operation: "GradCAM")
        let gradient = Tensor.gradients(of: explainer.selected(outputs, columns: columns).sum(), withRespectTo: [activation])[0]
        let spatialAxes = Array(2..<activation.rank)
        let weights = gradient.mean(axes: spatialAxes)
        let shape = Array(activation.shape.prefix(2)) + Array(repeating: 1, count: spatialAxes.count)
        let summed = (activation.detached() * weights.reshaped(shape)).sum(axis: 1, keepDims: true)
        map = reluAttributions ? clamp(summed, min: 0) : summed
        channelWeights = weights
    }

    /// How `upsampled` fills the larger grid.
    public enum Interpolation: Sendable {
        /// Each output pixel takes the input pixel `⌊i · in/out⌋` (PyTorch's `nearest`).
        case nearest
        /// Linear in each axis between the two nearest centres, `src = (i + ½)·in/out − ½`
        /// clamped at the edges (PyTorch's `bilinear` with `align_corners=False`).
        case bilinear
    }

    /// The map resized to `size` (`[H, W]`), as `F.interpolate` does.
    public func upsampled(to size: [Int], mode: Interpolation = .nearest) -> Tensor {
        precondition(map.rank == 4 && size.count == 2 && size.allSatisfy { $0 > 0 }, "GradCAM.upsampled: size \(size) for a map \(map.shape)")
        let (batch, height, width) = (map.shape[0], map.shape[2], map.shape[3])
        func taps(_ output: Int, _ input: Int) -> [(low: Int, high: Int, weight: Float)] {
            (0..<output).map { index in
                let scale = Double(input) / Double(output)
                switch mode {
                case .nearest:
                    let source = min(Int((Double(index) * scale).rounded(.down)), input - 1)
                    return (source, source, 0)
                case .bilinear:
                    let source = max((Double(index) + 0.5) * scale - 0.5, 0)
                    let low = min(Int(source.rounded(.down)), input - 1)
                    return (low, min(low + 1, input - 1), Float(source - Double(low)))
                }
            }
        }
        let (rows, columns) = (taps(size[0], height), taps(size[1], width))
        let values = map.scalars
        var result = [Float](repeating: 0, count: batch * size[0] * size[1])
        for n in 0..<batch {
            let plane = n * height * width
            for (y, row) in rows.enumerated() {
                for (x, column) in columns.enumerated() {
                    func at(_ r: Int, _ c: Int) -> Float { values[plane + r * width + c] }
                    let top = at(row.low, column.low) * (1 - column.weight) + at(row.low, column.high) * column.weight
                    let bottom = at(row.high, column.low) * (1 - column.weight) + at(row.high, column.high) * column.weight
                    result[(n * size[0] + y) * size[1] + x] = top * (1 - row.weight) + bottom * row.weight
                }
            }
        }
        return Tensor(result, shape: [batch, 1] + size)
    }
}
