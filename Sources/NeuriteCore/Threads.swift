import NeuriteKernels

/// The kernels' thread settings (`Threading.maximumThreads`, `NEURITE_NUM_THREADS`), available to
/// users of `import Neurite` without importing the kernels.
public typealias Threading = NeuriteKernels.Threading

/// The cache of large tensor buffers (`BufferCache.shared.limit`, `empty()`), available to users
/// of `import Neurite` without importing the kernels.
public typealias BufferCache = NeuriteKernels.BufferCache
