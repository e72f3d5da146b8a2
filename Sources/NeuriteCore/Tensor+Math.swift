import NeuriteKernels

// Unary math, elementwise, with each derivative written next to its function. `x` is the input,
// `y` the output, `g` the incoming gradient. At points where a function is not differentiable the
// value PyTorch uses is stated.

extension Tensor {
    /// Applies `function` elementwise and records `derivative(x, y, g)` as the input's gradient.
    func unary(
        _ operation: String, _ function: (Float) -> Float,
        derivative: @escaping (_ x: Tensor, _ y: Tensor, _ g: Tensor) -> Tensor
    ) -> Tensor {
        recordUnary(operation, value: mapValues(function), derivative: derivative)
    }

    /// Like `unary`, with the values computed by a buffer kernel (the vectorised transcendentals).
    func unary(
        _ operation: String,
        kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
        derivative: @escaping (_ x: Tensor, _ y: Tensor, _ g: Tensor) -> Tensor
    ) -> Tensor {
        let value = Tensor(unsafeUninitializedShape: shape) { output in
            kernel(storage.base, output.baseAddress!, scalarCount)
        }
        return recordUnary(operation, value: value, derivative: derivative)
    }

    private func recordUnary(
        _ operation: String, value y: Tensor, derivative: @escaping (Tensor, Tensor, Tensor) -> Tensor
    ) -> Tensor {
        let x = detached()
        return Tensor.recording(operation, value: y, inputs: [self]) { g in [derivative(x, y, g)] }
    }
}

/// `eˣ` (vectorised; within 1.5 ulp, see `VectorMath`). Derivative `eˣ`.
public func exp(_ x: Tensor) -> Tensor {
    x.unary("exp", kernel: { VectorMath.exp($0, $1, count: $2) }) { _, y, g in g * y }
}

/// Natural logarithm (−∞ at 0, NaN below; vectorised, within 1.5 ulp). Derivative `1/x`.
public func log(_ x: Tensor) -> Tensor {
    x.unary("log", kernel: { VectorMath.log($0, $1, count: $2) }) { x, _, g in g / x }
}

/// Square root. Derivative `1/(2√x)` (+∞ at 0, as in PyTorch).
public func sqrt(_ x: Tensor) -> Tensor {
    x.unary("sqrt", ScalarMath.sqrt) { _, y, g in g / (y * 2) }
}

/// `x²`. Derivative `2x`.
public func square(_ x: Tensor) -> Tensor {
    x.unary("square", { $0 * $0 }) { x, _, g in g * x * 2 }
}

/// Sine. Derivative `cos x`.
public func sin(_ x: Tensor) -> Tensor {
    x.unary("sin", ScalarMath.sin) { x, _, g in g * cos(x) }
}

/// Cosine. Derivative `−sin x`.
public func cos(_ x: Tensor) -> Tensor {
    x.unary("cos", ScalarMath.cos) { x, _, g in -g * sin(x) }
}

/// Hyperbolic tangent (vectorised, within 2 ulp). Derivative `1 − tanh²x`.
public func tanh(_ x: Tensor) -> Tensor {
    x.unary("tanh", kernel: { VectorMath.tanh($0, $1, count: $2) }) { _, y, g in g * (1 - y * y) }
}

/// Logistic sigmoid `1/(1 + e⁻ˣ)`, computed without overflow for any `x` (vectorised, within
/// 3 ulp). Derivative `σ(x)(1 − σ(x))`.
public func sigmoid(_ x: Tensor) -> Tensor {
    x.unary("sigmoid", kernel: { VectorMath.sigmoid($0, $1, count: $2) }) { _, y, g in g * y * (1 - y) }
}

/// The error function (vectorised, within 3 ulp). Derivative `(2/√π) e^(−x²)`.
public func erf(_ x: Tensor) -> Tensor {
    x.unary("erf", kernel: { VectorMath.erf($0, $1, count: $2) }) { x, _, g in g * exp(-(x * x)) * Float(2 / Double.pi.squareRoot()) }
}

/// Absolute value. Derivative `sign(x)`, which is 0 at 0 (PyTorch's choice).
public func abs(_ x: Tensor) -> Tensor {
    x.unary("abs", { Swift.abs($0) }) { x, _, g in g * x.mapValues { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) } }
}

/// `xᵖ` for a scalar exponent. Derivative `p·xᵖ⁻¹`; 0 everywhere when `p == 0` (PyTorch).
public func pow(_ x: Tensor, _ exponent: Float) -> Tensor {
    x.unary("pow", { ScalarMath.pow($0, exponent) }) { x, _, g in
        exponent == 0 ? Tensor.zeros(like: g) : g * pow(x, exponent - 1) * exponent
    }
}

/// `xʸ` elementwise with broadcasting. `∂/∂x = y·xʸ⁻¹` (0 where `y == 0`);
/// `∂/∂y = xʸ·ln x` (0 where `x == 0` and `y ≥ 0`, PyTorch's convention).
public func pow(_ base: Tensor, _ exponent: Tensor) -> Tensor {
    let value = Tensor.broadcastValues(base, exponent, operation: "pow", ScalarMath.pow)
    let (x, y, z) = (base.detached(), exponent.detached(), value)
    return Tensor.recording("pow", value: value, inputs: [base, exponent]) { g in
        let dx = Tensor.broadcastValues(x, y, operation: "pow") { x, y in
            y == 0 ? 0 : y * ScalarMath.pow(x, y - 1)
        }
        let logBase = Tensor.broadcastValues(x, y, operation: "pow") { x, y in
            x == 0 && y >= 0 ? 0 : ScalarMath.log(x)
        }
        return [(g * dx).sum(toShape: x.shape), (g * z * logBase).sum(toShape: y.shape)]
    }
}

/// Limits every element to `[minimum, maximum]` (either bound may be omitted), as `torch.clamp`:
/// NaN stays NaN. Derivative 1 where `minimum ≤ x ≤ maximum` (bounds included) and 0 outside.
public func clamp(_ x: Tensor, min minimum: Float? = nil, max maximum: Float? = nil) -> Tensor {
    let low = minimum ?? -.infinity, high = maximum ?? .infinity
    precondition(low <= high, "clamp: min \(low) is above max \(high)")
    return x.unary("clamp", { $0.isNaN ? $0 : Swift.min(Swift.max($0, low), high) }) { x, _, g in
        g * x.mapValues { $0 >= low && $0 <= high ? 1 : 0 }
    }
}
