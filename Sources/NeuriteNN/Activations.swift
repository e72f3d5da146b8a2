import NeuriteCore
import NeuriteKernels

// Activation functions. Each is stable for any finite input (no NaN or ∞ from large |x|), and its
// derivative at kinks is PyTorch's: ReLU 0 at 0, leaky ReLU `slope` at 0 (the `x > 0` test is
// strict), ELU 1 at 0. `sigmoid` and `tanh` come from NeuriteCore.

/// `max(0, x)`. Derivative 1 for x > 0, else 0 (0 at 0).
public func relu(_ x: Tensor) -> Tensor {
    let input = x.detached()
    // One vectorised pass each way: ReLU sits after every convolution, on the largest
    // activations, and a scalar `x > 0 ? x : 0` compiles to a branch that random signs defeat.
    let value = Tensor(unsafeUninitializedShape: x.shape) { output in
        input.withUnsafeBufferPointer { source in
            ReLUKernel.forward(source.baseAddress!, into: output.baseAddress!, count: source.count)
        }
    }
    return Tensor.recording("relu", value: value, inputs: [x]) { g in
        [
            Tensor(unsafeUninitializedShape: g.shape) { output in
                input.withUnsafeBufferPointer { source in
                    g.withUnsafeBufferPointer { upstream in
                        ReLUKernel.backward(upstream.baseAddress!, input: source.baseAddress!, into: output.baseAddress!, count: source.count)
                    }
                }
            }
        ]
    }
}

/// ReLU over buffers, eight lanes at a time with masks instead of branches, split across threads
/// for large tensors (each element is computed alone, so the split does not change results).
enum ReLUKernel {
    /// `output = x` where `x > 0` or `x` is NaN, else 0.
    static func forward(_ x: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        let (source, target) = (UncheckedSendable(x), UncheckedSendable(output))
        chunks(count) { range in
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let v = UnsafeRawPointer(source.value + i).loadUnaligned(as: SIMD8<Float>.self)
                let kept = v.replacing(with: 0, where: .!((v .> 0) .| (v .!= v)))
                UnsafeMutableRawPointer(target.value + i).storeBytes(of: kept, as: SIMD8<Float>.self)
                i += 8
            }
            while i < range.upperBound {
                let v = source.value[i]
                target.value[i] = v > 0 || v.isNaN ? v : 0
                i += 1
            }
        }
    }

    /// `output = g` where `x > 0`, else 0.
    static func backward(_ g: UnsafePointer<Float>, input x: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        let (upstream, source, target) = (UncheckedSendable(g), UncheckedSendable(x), UncheckedSendable(output))
        chunks(count) { range in
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let v = UnsafeRawPointer(source.value + i).loadUnaligned(as: SIMD8<Float>.self)
                let gradient = UnsafeRawPointer(upstream.value + i).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(target.value + i).storeBytes(of: gradient.replacing(with: 0, where: .!(v .> 0)), as: SIMD8<Float>.self)
                i += 8
            }
            while i < range.upperBound {
                target.value[i] = source.value[i] > 0 ? upstream.value[i] : 0
                i += 1
            }
        }
    }

    private static func chunks(_ count: Int, _ body: (Range<Int>) -> Void) {
        let threads = count < 1 << 18 ? 1 : Threading.maximumThreads
        Parallel.forEachRange((count + 4095) / 4096, threads: threads) { blocks in
            body(blocks.lowerBound * 4096..<min(blocks.upperBound * 4096, count))
        }
    }
}

/// `x` for x > 0, `negativeSlope · x` otherwise. PyTorch's default slope 0.01 (Keras's layer uses
/// 0.3 and its function 0.2). Derivative 1 for x > 0, else `negativeSlope` (also at 0).
public func leakyRelu(_ x: Tensor, negativeSlope: Float = 0.01) -> Tensor {
    let input = x.detached()
    let slope = Tensor.where(input .> 0, Tensor(1), Tensor(negativeSlope))
    return Tensor.recording("leakyRelu", value: input * slope, inputs: [x]) { g in [g * slope] }
}

/// `x` for x > 0, `alpha · (eˣ − 1)` otherwise (computed with `expm1`). Derivative 1 for x > 0,
/// else `y + alpha` (1 at 0).
public func elu(_ x: Tensor, alpha: Float = 1) -> Tensor {
    let input = x.detached()
    let value = Tensor(unsafeUninitializedShape: x.shape) { output in
        input.withUnsafeBufferPointer { source in
            for i in source.indices { output[i] = source[i] > 0 ? source[i] : alpha * ScalarMath.expm1(source[i]) }
        }
    }
    return Tensor.recording("elu", value: value, inputs: [x]) { g in
        [g * Tensor.where(input .> 0, Tensor(1), value + alpha)]
    }
}

/// Which formula `gelu` uses.
public enum GELUApproximation: Sendable {
    /// `0.5·x·(1 + erf(x/√2))`, PyTorch's default (`approximate='none'`).
    case none
    /// `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`, within 4·10⁻⁴ of the exact form.
    case tanh
}

/// The Gaussian error linear unit `x·Φ(x)`. Exact (erf) by default, as in PyTorch; Keras's
/// `ops.gelu` defaults to the tanh form. Derivative at 0: 0.5.
public func gelu(_ x: Tensor, approximate: GELUApproximation = .none) -> Tensor {
    switch approximate {
    case .none:
        return 0.5 * x * (1 + erf(x * Float(0.5.squareRoot())))
    case .tanh:
        let inner = (x + 0.044715 * x * x * x) * Float((2 / Double.pi).squareRoot())
        return 0.5 * x * (1 + tanh(inner))
    }
}

/// `x · σ(x)` (also called swish).
public func silu(_ x: Tensor) -> Tensor { x * sigmoid(x) }

/// `(1/β)·log(1 + e^{βx})`, and `x` itself where `βx > threshold` (PyTorch's defaults β = 1,
/// threshold 20). Derivative `σ(βx)`, 1 in the linear region.
public func softplus(_ x: Tensor, beta: Float = 1, threshold: Float = 20) -> Tensor {
    let input = x.detached()
    let value = Tensor(unsafeUninitializedShape: x.shape) { output in
        input.withUnsafeBufferPointer { source in
            for i in source.indices {
                let scaled = beta * source[i]
                output[i] = scaled > threshold ? source[i] : ScalarMath.log1p(ScalarMath.exp(scaled)) / beta
            }
        }
    }
    return Tensor.recording("softplus", value: value, inputs: [x]) { g in
        let scaled = input * beta
        return [g * Tensor.where(scaled .> threshold, Tensor(1), sigmoid(scaled))]
    }
}

/// `log softmax(x)` along `axis`: `x − max − log Σ exp(x − max)`, stable for any finite input.
/// There is no default axis (PyTorch's implicit choice is deprecated and surprising).
public func logSoftmax(_ x: Tensor, axis: Int) -> Tensor {
    let shifted = x - x.detached().max(axis: axis, keepDims: true).clampedToFinite()
    return shifted - shifted.logSumExp(axis: axis, keepDims: true)
}

/// `exp(xᵢ) / Σⱼ exp(xⱼ)` along `axis`, computed as `exp(logSoftmax(x))`: no overflow.
public func softmax(_ x: Tensor, axis: Int) -> Tensor { exp(logSoftmax(x, axis: axis)) }

extension Tensor {
    /// Infinite maxima (a row of −∞) replaced by 0, so that shifting by them gives no NaN.
    func clampedToFinite() -> Tensor {
        Tensor.where(self.abs() .< .infinity, self, Tensor(0))
    }
}
