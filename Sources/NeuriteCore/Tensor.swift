import NeuriteKernels

/// An n-dimensional array of `Float`, stored contiguously in row-major order, with value semantics
/// and reverse-mode automatic differentiation.
///
/// Copies are cheap: they share storage until one of them is mutated (copy-on-write). A tensor
/// created with `requiresGradient: true` is a *leaf*: operations on it while gradients are
/// recorded build a graph, and `backward()` on a result accumulates `∂result/∂leaf` into the
/// leaf's `gradient`. Copies of a leaf share its gradient, as Python names share a PyTorch tensor.
///
/// Shapes are `[Int]`, outermost axis first; `[]` is a scalar (one element), and any axis may have
/// length 0. Images are NCHW.
///
/// Tensors may be sent between threads; their values are never shared mutably. One autograd graph,
/// though, must be recorded and differentiated by one thread at a time.
public struct Tensor: @unchecked Sendable {
    @usableFromInline var storage: TensorStorage
    /// The length of each axis, outermost first.
    public private(set) var shape: [Int]
    /// The autograd node: set on leaves that require gradients and on results recorded from them.
    @usableFromInline var node: GradientNode?

    @usableFromInline
    init(storage: TensorStorage, shape: [Int], node: GradientNode? = nil) {
        assert(storage.count == shape.reduce(1, *), "storage and shape disagree")
        self.storage = storage
        self.shape = shape
        self.node = node
    }

    /// A tensor of `shape` whose values `initializer` writes; every element must be written.
    /// The fast path for building tensors from other code (`Array(unsafeUninitializedCapacity:)` style).
    @inlinable
    public init(
        unsafeUninitializedShape shape: [Int],
        initializingWith initializer: (UnsafeMutableBufferPointer<Float>) throws -> Void
    ) rethrows {
        Tensor.checkShape(shape, operation: "Tensor")
        let storage = TensorStorage(count: shape.reduce(1, *))
        try initializer(UnsafeMutableBufferPointer(start: storage.base, count: storage.count))
        self.init(storage: storage, shape: shape)
    }

    /// The number of axes.
    @inlinable public var rank: Int { shape.count }
    /// The number of elements (the product of the shape; 1 for a scalar).
    @inlinable public var scalarCount: Int { storage.count }

    /// The values in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }

    /// The value of a one-element tensor (PyTorch's `item()`).
    public var scalar: Float {
        precondition(scalarCount == 1, "scalar: tensor of shape \(shape) has \(scalarCount) elements, not 1")
        return storage.base.pointee
    }

    /// The element at `indices` (one per axis; negative indices count from the end).
    public func scalar(at indices: [Int]) -> Float {
        storage.base[flatIndex(indices, operation: "scalar(at:)")]
    }

    /// Sets the element at `indices`. Not recorded by autograd.
    public mutating func setScalar(_ value: Float, at indices: [Int]) {
        let index = flatIndex(indices, operation: "setScalar(_:at:)")
        makeStorageUnique()
        storage.base[index] = value
    }

    func flatIndex(_ indices: [Int], operation: String) -> Int {
        precondition(indices.count == rank, "\(operation): \(indices.count) indices for a tensor of shape \(shape)")
        var flat = 0
        for axis in shape.indices {
            var i = indices[axis]
            if i < 0 { i += shape[axis] }
            precondition(i >= 0 && i < shape[axis], "\(operation): index \(indices[axis]) out of range for axis \(axis) of shape \(shape)")
            flat = flat * shape[axis] + i
        }
        return flat
    }

    /// Calls `body` with the values in row-major order.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }

    /// Calls `body` with the values for writing, copying them first if the storage is shared.
    /// Writes are not recorded by autograd.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        makeStorageUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.base, count: storage.count))
    }

    @inlinable
    mutating func makeStorageUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = TensorStorage(copying: storage) }
    }

    /// Whether `self` and `other` share one buffer (for tests of copy-on-write).
    public func sharesStorage(with other: Tensor) -> Bool { storage === other.storage }

    @usableFromInline
    static func checkShape(_ shape: [Int], operation: String) {
        precondition(shape.allSatisfy { $0 >= 0 }, "\(operation): negative length in shape \(shape)")
    }
}

extension Tensor: Equatable {
    /// Exact equality of shapes and values (NaN is unequal to itself); gradients are ignored.
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        guard lhs.shape == rhs.shape else { return false }
        if lhs.storage === rhs.storage { return !lhs.scalars.contains { $0.isNaN } }
        for i in 0..<lhs.scalarCount where lhs.storage.base[i] != rhs.storage.base[i] { return false }
        return true
    }
}
