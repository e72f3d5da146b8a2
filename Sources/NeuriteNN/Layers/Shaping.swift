import NeuriteCore

/// Flattens axes `startAxis…endAxis` into one; by default everything but the batch axis
/// (PyTorch's `nn.Flatten(start_dim=1, end_dim=-1)`): `[N, C, H, W] → [N, C·H·W]`.
public final class Flatten: Module, DescribableLayer {
    /// The first and last axes flattened (`{"start": 1, "end": -1}`).
    public struct Configuration: LayerConfiguration {
        /// The first axis flattened (1, keeping the batch).
        public var startAxis: Int
        /// The last axis flattened (−1).
        public var endAxis: Int

        /// A configuration; the defaults are PyTorch's.
        public init(startAxis: Int = 1, endAxis: Int = -1) {
            self.startAxis = startAxis
            self.endAxis = endAxis
        }

        private enum CodingKeys: String, CodingKey {
            case startAxis = "start"
            case endAxis = "end"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            startAxis = try container.decode(.startAxis, default: 1)
            endAxis = try container.decode(.endAxis, default: -1)
        }
    }

    public let configuration: Configuration
    /// The first axis flattened.
    public var startAxis: Int { configuration.startAxis }
    /// The last axis flattened.
    public var endAxis: Int { configuration.endAxis }

    /// Flattens axes `startAxis…endAxis` into one (PyTorch's `nn.Flatten`, from axis 1 by default).
    public init(startAxis: Int = 1, endAxis: Int = -1) {
        configuration = Configuration(startAxis: startAxis, endAxis: endAxis)
        super.init()
    }

    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(startAxis: configuration.startAxis, endAxis: configuration.endAxis)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        input.flattened(startAxis: startAxis, endAxis: endAxis)
    }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        let rank = max(shape.count, 1)
        let (start, end) = (startAxis < 0 ? startAxis + rank : startAxis, endAxis < 0 ? endAxis + rank : endAxis)
        try LayerShapeError.require(
            (0..<rank).contains(start) && (0..<rank).contains(end) && start <= end,
            "\(layerDescription): axes \(startAxis) to \(endAxis) do not fit an input of shape \(shape)")
        guard !shape.isEmpty else { return [1] }
        return Array(shape[..<start]) + [shape[start...end].reduce(1, *)] + Array(shape[(end + 1)...])
    }

    public override var layerDescription: String {
        startAxis == 1 && endAxis == -1 ? "Flatten()" : "Flatten(startAxis: \(startAxis), endAxis: \(endAxis))"
    }
}

/// Returns its input unchanged (a placeholder, or a residual block's default shortcut).
public final class Identity: Module, ParameterlessLayer {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { input }
    public override func outputShape(forInput shape: [Int]) -> [Int]? { shape }
}

/// Swaps two axes (`x.transpose(first, second)`; PyTorch has no layer for it, Keras's `Permute`
/// is the nearest): `Transpose(1, 2)` turns a sequence of embeddings `[N, L, D]` into the
/// channels-first `[N, D, L]` that `Conv1D` reads. Negative axes count from the end.
public final class Transpose: Module, DescribableLayer {
    /// The two axes (`{"first": 1, "second": 2}`).
    public struct Configuration: LayerConfiguration {
        /// The first axis swapped.
        public var first: Int
        /// The second axis swapped.
        public var second: Int

        /// A configuration swapping `first` and `second`.
        public init(first: Int = 1, second: Int = 2) {
            self.first = first
            self.second = second
        }
    }

    public let configuration: Configuration

    /// Swaps two axes (PyTorch's `transpose(first, second)` as a layer), e.g. `[N, L, C] → [N, C, L]`.
    public init(_ first: Int = 1, _ second: Int = 2) {
        configuration = Configuration(first: first, second: second)
        super.init()
    }

    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        self.init(configuration.first, configuration.second)
    }

    public override func forward(_ input: Tensor) -> Tensor { input.transposed(configuration.first, configuration.second) }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        let rank = shape.count
        let (first, second) = (configuration.first, configuration.second)
        let (a, b) = (first < 0 ? first + rank : first, second < 0 ? second + rank : second)
        try LayerShapeError.require(
            (0..<rank).contains(a) && (0..<rank).contains(b), "\(layerDescription): axes \(first) and \(second) do not fit an input of shape \(shape)"
        )
        var result = shape
        result.swapAt(a, b)
        return result
    }

    public override var layerDescription: String { "Transpose(\(configuration.first), \(configuration.second))" }
}
