import NeuriteCore

/// Flattens axes `startAxis…endAxis` into one; by default everything but the batch axis
/// (PyTorch's `nn.Flatten(start_dim=1, end_dim=-1)`): `[N, C, H, W] → [N, C·H·W]`.
public final class Flatten: Module {
    public let startAxis: Int, endAxis: Int

    public init(startAxis: Int = 1, endAxis: Int = -1) {
        self.startAxis = startAxis
        self.endAxis = endAxis
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        input.flattened(startAxis: startAxis, endAxis: endAxis)
    }

    public override var layerDescription: String {
        startAxis == 1 && endAxis == -1 ? "Flatten()" : "Flatten(startAxis: \(startAxis), endAxis: \(endAxis))"
    }
}

/// Returns its input unchanged (a placeholder, or a residual block's default shortcut).
public final class Identity: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { input }
}
