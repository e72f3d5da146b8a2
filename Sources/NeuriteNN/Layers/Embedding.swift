import NeuriteCore

/// The table shared by `Embedding` and `EmbeddingBag`: PyTorch's `num_embeddings`,
/// `embedding_dim`, `padding_idx` (negative counts from the end) and `sparse`.
public struct EmbeddingTableConfiguration: Codable, Sendable, Equatable {
    /// The table's rows (PyTorch's `num_embeddings`).
    public var rowCount: Int
    /// Each row's length (PyTorch's `embedding_dim`).
    public var dimension: Int
    /// A row that stays zero and gets no gradient (PyTorch's `padding_idx`), if any.
    public var paddingIndex: Int?
    /// Whether the weight's gradient is kept as the rows a batch used (`Parameter.sparseGradient`)
    /// rather than a full tensor: PyTorch's `sparse=True`. `Adam` and `SGD` then update only
    /// those rows (see `Adam.update(_:rows:group:state:)`); the other optimisers densify it.
    public var sparse: Bool

    /// A table configuration with PyTorch's defaults.
    public init(rowCount: Int, dimension: Int, paddingIndex: Int? = nil, sparse: Bool = false) {
        self.rowCount = rowCount
        self.dimension = dimension
        self.paddingIndex = paddingIndex
        self.sparse = sparse
    }

    func validate() throws(LayerConfigurationError) {
        try LayerConfigurationError.require(
            rowCount > 0 && dimension > 0, "the table needs rows and columns, got \(rowCount) × \(dimension)")
        // Ids travel as exact integers in Float.
        try LayerConfigurationError.require(rowCount <= 1 << 24, "at most 16,777,216 rows (ids are exact in Float up to 2²⁴), got \(rowCount)")
        try LayerConfigurationError.requireAllocatable([rowCount, dimension], for: "a weight")
        if let paddingIndex {
            try LayerConfigurationError.require(
                (-rowCount..<rowCount).contains(paddingIndex), "padding index \(paddingIndex) out of range for \(rowCount) rows")
        }
    }

    /// Drawn from `initializer`, PyTorch's N(0, 1) when nil, with the padding row zero.
    func makeWeight(initializer: Initializer?, generator: inout PhiloxGenerator) -> Tensor {
        var weight = (initializer ?? .normal()).make([rowCount, dimension], generator: &generator)
        if let paddingIndex {
            let row = paddingIndex < 0 ? paddingIndex + rowCount : paddingIndex
            weight.withUnsafeMutableBufferPointer { buffer in
                for k in 0..<dimension { buffer[row * dimension + k] = 0 }
            }
        }
        return weight
    }

    var description: String {
        "\(rowCount), \(dimension)\(paddingIndex.map { ", paddingIndex: \($0)" } ?? "")\(sparse ? ", sparse: true" : "")"
    }

    /// The weight, receiving row-sparse gradients when `sparse`.
    func makeParameter(initializer: Initializer?, generator: inout PhiloxGenerator) -> Parameter {
        let weight = Parameter(makeWeight(initializer: initializer, generator: &generator))
        if sparse { weight.receivesRowSparseGradients() }
        return weight
    }
}

/// A lookup table of `rowCount` vectors of `dimension` values (PyTorch's `nn.Embedding`): ids of
/// any shape (exact integers in `0..<rowCount`) give `ids.shape + [dimension]`.
///
/// `weight` is `[rowCount, dimension]` (state-dict key `weight`, as PyTorch), initialised from
/// N(0, 1) with the padding row zero. The padding row receives no gradient, so it stays as it is.
/// PyTorch's `max_norm` and `scale_grad_by_freq` are not offered.
public final class Embedding: Module, DescribableLayer {
    /// `{"num_embeddings": 1000, "embedding_dim": 64, "padding_idx": 0, "sparse": true}` (PyTorch's names).
    public struct Configuration: LayerConfiguration {
        /// The table's shape and options.
        public var table: EmbeddingTableConfiguration

        /// A configuration with PyTorch's defaults.
        public init(rowCount: Int, dimension: Int, paddingIndex: Int? = nil, sparse: Bool = false) {
            table = EmbeddingTableConfiguration(rowCount: rowCount, dimension: dimension, paddingIndex: paddingIndex, sparse: sparse)
        }

        public func validate() throws(LayerConfigurationError) { try table.validate() }

        public init(from decoder: Decoder) throws { table = try EmbeddingCodingKeys.decodeTable(from: decoder) }
        public func encode(to encoder: Encoder) throws { try EmbeddingCodingKeys.encode(table, to: encoder) }
    }

    public let configuration: Configuration
    /// The table, `[rowCount, dimension]`.
    public let weight: Parameter
    /// The table's rows.
    public var rowCount: Int { configuration.table.rowCount }
    /// Each row's length.
    public var dimension: Int { configuration.table.dimension }
    /// The padding row, if any.
    public var paddingIndex: Int? { configuration.table.paddingIndex }

    /// A table drawn from `initializer` (N(0, 1), PyTorch's default, when nil) with the padding row
    /// zero.
    public init(
        _ rowCount: Int, _ dimension: Int, paddingIndex: Int? = nil, sparse: Bool = false, initializer: Initializer? = nil,
        generator: inout PhiloxGenerator
    ) {
        configuration = Configuration(rowCount: rowCount, dimension: dimension, paddingIndex: paddingIndex, sparse: sparse)
            .validated(for: "Embedding")
        weight = configuration.table.makeParameter(initializer: initializer, generator: &generator)
        super.init()
    }

    /// A table drawn from the default generator (see `DefaultGenerator`).
    public convenience init(_ rowCount: Int, _ dimension: Int, paddingIndex: Int? = nil, sparse: Bool = false) {
        var generator = DefaultGenerator.makeGenerator()
        self.init(rowCount, dimension, paddingIndex: paddingIndex, sparse: sparse, generator: &generator)
    }

    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        let table = configuration.table
        self.init(table.rowCount, table.dimension, paddingIndex: table.paddingIndex, sparse: table.sparse, generator: &generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        embedding(input, weight: weight.value, paddingIndex: paddingIndex, rowGradientSink: weight.rowGradientSink)
    }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? { shape + [dimension] }

    public override var layerDescription: String { "Embedding(\(configuration.table.description))" }
}

/// Bags of table rows reduced to one vector each (PyTorch's `nn.EmbeddingBag`; default mode
/// `mean`): the fastText-style text encoder. `forward` takes `[bags, length]` ids, one bag per
/// row (pad rows of different lengths with `paddingIndex`, which is skipped and does not count for
/// the mean); `callAsFunction(_:offsets:perSampleWeights:)` takes 1-D ids with offsets as PyTorch
/// does. The output is `[bags, dimension]`; an empty bag gives zeros.
///
/// `weight` is `[rowCount, dimension]` (state-dict key `weight`), initialised from N(0, 1) with the
/// padding row zero; the padding row receives no gradient.
public final class EmbeddingBag: Module, DescribableLayer {
    /// `{"num_embeddings": 100000, "embedding_dim": 64, "mode": "mean", "padding_idx": 0}`.
    public struct Configuration: LayerConfiguration {
        /// The table's shape and options.
        public var table: EmbeddingTableConfiguration
        /// How a bag's rows combine: mean (PyTorch's default), sum or max.
        public var mode: EmbeddingBagMode

        /// A configuration with PyTorch's defaults.
        public init(rowCount: Int, dimension: Int, mode: EmbeddingBagMode = .mean, paddingIndex: Int? = nil, sparse: Bool = false) {
            table = EmbeddingTableConfiguration(rowCount: rowCount, dimension: dimension, paddingIndex: paddingIndex, sparse: sparse)
            self.mode = mode
        }

        public func validate() throws(LayerConfigurationError) { try table.validate() }

        public init(from decoder: Decoder) throws {
            table = try EmbeddingCodingKeys.decodeTable(from: decoder)
            mode = try decoder.container(keyedBy: EmbeddingCodingKeys.self).decode(.mode, default: .mean)
        }

        public func encode(to encoder: Encoder) throws {
            try EmbeddingCodingKeys.encode(table, to: encoder)
            var container = encoder.container(keyedBy: EmbeddingCodingKeys.self)
            try container.encode(mode, forKey: .mode)
        }
    }

    public let configuration: Configuration
    /// The table, `[rowCount, dimension]`.
    public let weight: Parameter
    /// The table's rows.
    public var rowCount: Int { configuration.table.rowCount }
    /// Each row's length.
    public var dimension: Int { configuration.table.dimension }
    /// The padding row, if any.
    public var paddingIndex: Int? { configuration.table.paddingIndex }
    /// How a bag's rows combine.
    public var mode: EmbeddingBagMode { configuration.mode }

    /// A table drawn from `initializer` (N(0, 1), PyTorch's default, when nil) with the padding row
    /// zero.
    public init(
        _ rowCount: Int, _ dimension: Int, mode: EmbeddingBagMode = .mean, paddingIndex: Int? = nil, sparse: Bool = false,
        initializer: Initializer? = nil, generator: inout PhiloxGenerator
    ) {
        configuration = Configuration(rowCount: rowCount, dimension: dimension, mode: mode, paddingIndex: paddingIndex, sparse: sparse)
            .validated(for: "EmbeddingBag")
        weight = configuration.table.makeParameter(initializer: initializer, generator: &generator)
        super.init()
    }

    /// A table drawn from the default generator (see `DefaultGenerator`).
    public convenience init(
        _ rowCount: Int, _ dimension: Int, mode: EmbeddingBagMode = .mean, paddingIndex: Int? = nil, sparse: Bool = false
    ) {
        var generator = DefaultGenerator.makeGenerator()
        self.init(rowCount, dimension, mode: mode, paddingIndex: paddingIndex, sparse: sparse, generator: &generator)
    }

    public convenience init(configuration: Configuration, children: [Module], generator: inout PhiloxGenerator) {
        let table = configuration.table
        self.init(
            table.rowCount, table.dimension, mode: configuration.mode, paddingIndex: table.paddingIndex, sparse: table.sparse,
            generator: &generator)
    }

    /// One bag per row of `input` (`[bags, length]`).
    public override func forward(_ input: Tensor) -> Tensor {
        embeddingBag(input, weight: weight.value, mode: mode, paddingIndex: paddingIndex, rowGradientSink: weight.rowGradientSink)
    }

    /// PyTorch's 1-D form: bag `i` holds `ids[offsets[i] ..< offsets[i + 1]]` (the last runs to the
    /// end, or, with `includeLastOffset`, the last offset closes it); `perSampleWeights` (mode
    /// `sum` only) scales each row.
    public func callAsFunction(
        _ ids: Tensor, offsets: Tensor, perSampleWeights: Tensor? = nil, includeLastOffset: Bool = false
    ) -> Tensor {
        embeddingBag(
            ids, weight: weight.value, offsets: offsets, mode: mode, perSampleWeights: perSampleWeights,
            includeLastOffset: includeLastOffset, paddingIndex: paddingIndex, rowGradientSink: weight.rowGradientSink)
    }

    public override func outputShape(forInput shape: [Int]) throws(LayerShapeError) -> [Int]? {
        try LayerShapeError.require(
            shape.count == 2, "\(layerDescription) takes [bags, length] ids (one bag per row), got \(shape)")
        return [shape[0], dimension]
    }

    public override var layerDescription: String {
        "EmbeddingBag(\(configuration.table.description)\(mode == .mean ? "" : ", mode: \(mode.rawValue)"))"
    }
}

/// The keys of both layers' descriptions: PyTorch's argument names.
enum EmbeddingCodingKeys: String, CodingKey {
    case rowCount = "num_embeddings"
    case dimension = "embedding_dim"
    case paddingIndex = "padding_idx"
    case sparse
    case mode

    static func decodeTable(from decoder: Decoder) throws -> EmbeddingTableConfiguration {
        let container = try decoder.container(keyedBy: Self.self)
        return EmbeddingTableConfiguration(
            rowCount: try container.decode(Int.self, forKey: .rowCount),
            dimension: try container.decode(Int.self, forKey: .dimension),
            paddingIndex: try container.decodeIfPresent(Int.self, forKey: .paddingIndex),
            sparse: try container.decodeIfPresent(Bool.self, forKey: .sparse) ?? false)
    }

    static func encode(_ table: EmbeddingTableConfiguration, to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Self.self)
        try container.encode(table.rowCount, forKey: .rowCount)
        try container.encode(table.dimension, forKey: .dimension)
        try container.encodeIfPresent(table.paddingIndex, forKey: .paddingIndex)
        if table.sparse { try container.encode(true, forKey: .sparse) }
    }
}
