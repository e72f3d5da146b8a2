// + − × ÷ with NumPy broadcasting, on tensors and scalars, and their derivatives.
//
// The gradient of a broadcast operand is summed over the axes it was broadcast along
// (`sum(toShape:)`), so it always has the operand's own shape.

extension Tensor {
    /// Elementwise sum, broadcasting `lhs` and `rhs` (NumPy rules).
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
        return recording("add", value: broadcastValues(lhs, rhs, operation: "add", +), inputs: [lhs, rhs]) { g in
            [g.sum(toShape: lhsShape), g.sum(toShape: rhsShape)]
        }
    }

    /// Elementwise difference, broadcasting.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
        return recording("subtract", value: broadcastValues(lhs, rhs, operation: "subtract", -), inputs: [lhs, rhs]) { g in
            [g.sum(toShape: lhsShape), (-g).sum(toShape: rhsShape)]
        }
    }

    /// Elementwise product, broadcasting.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        let (a, b) = (lhs.detached(), rhs.detached())
        return recording("multiply", value: broadcastValues(lhs, rhs, operation: "multiply", *), inputs: [lhs, rhs]) { g in
            [(g * b).sum(toShape: a.shape), (g * a).sum(toShape: b.shape)]
        }
    }

    /// Elementwise quotient, broadcasting. `∂(a/b)/∂b = −a/b²`.
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        let (a, b) = (lhs.detached(), rhs.detached())
        return recording("divide", value: broadcastValues(lhs, rhs, operation: "divide", /), inputs: [lhs, rhs]) { g in
            [(g / b).sum(toShape: a.shape), (-g * a / (b * b)).sum(toShape: b.shape)]
        }
    }

    /// Elementwise negation.
    public static prefix func - (x: Tensor) -> Tensor {
        recording("negate", value: x.mapValues { -$0 }, inputs: [x]) { g in [-g] }
    }

    /// `lhs + rhs` for every element. Derivative 1.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor {
        recording("add", value: lhs.mapValues { $0 + rhs }, inputs: [lhs]) { g in [g] }
    }

    /// `lhs + rhs` for every element of `rhs`.
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs + lhs }

    /// `lhs − rhs` for every element.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs + (-rhs) }

    /// `lhs − rhs` for every element of `rhs`. Derivative −1.
    public static func - (lhs: Float, rhs: Tensor) -> Tensor {
        recording("subtract", value: rhs.mapValues { lhs - $0 }, inputs: [rhs]) { g in [-g] }
    }

    /// `lhs · rhs` for every element. Derivative `rhs`.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor {
        recording("multiply", value: lhs.mapValues { $0 * rhs }, inputs: [lhs]) { g in [g * rhs] }
    }

    /// `lhs · rhs` for every element of `rhs`.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs * lhs }

    /// Division by a scalar (computed as a division, not a multiplication by the reciprocal, so
    /// results match PyTorch bit for bit).
    public static func / (lhs: Tensor, rhs: Float) -> Tensor {
        recording("divide", value: lhs.mapValues { $0 / rhs }, inputs: [lhs]) { g in [g / rhs] }
    }

    /// `lhs / rhs[i]` for every element.
    public static func / (lhs: Float, rhs: Tensor) -> Tensor {
        let b = rhs.detached()
        return recording("divide", value: rhs.mapValues { lhs / $0 }, inputs: [rhs]) { g in [-g * lhs / (b * b)] }
    }
}

// Compound assignment. While gradients are recorded and an operand requires them, `a += b` is
// `a = a + b` (a new graph node). Otherwise it updates `a`'s values in place, without a copy when
// its storage is not shared, and a leaf stays the same leaf with the same gradient: this is how
// parameter updates are written inside `withoutGradients`.
extension Tensor {
    /// `lhs = lhs + rhs` (see above for when it updates in place).
    public static func += (lhs: inout Tensor, rhs: Tensor) {
        if isRecording(lhs, rhs) { lhs = lhs + rhs } else { lhs.updateValues(with: rhs, operation: "+=", +) }
    }

    /// `lhs = lhs − rhs` (see above for when it updates in place).
    public static func -= (lhs: inout Tensor, rhs: Tensor) {
        if isRecording(lhs, rhs) { lhs = lhs - rhs } else { lhs.updateValues(with: rhs, operation: "-=", -) }
    }

    /// `lhs = lhs · rhs` (see above for when it updates in place).
    public static func *= (lhs: inout Tensor, rhs: Tensor) {
        if isRecording(lhs, rhs) { lhs = lhs * rhs } else { lhs.updateValues(with: rhs, operation: "*=", *) }
    }

    /// `lhs = lhs / rhs` (see above for when it updates in place).
    public static func /= (lhs: inout Tensor, rhs: Tensor) {
        if isRecording(lhs, rhs) { lhs = lhs / rhs } else { lhs.updateValues(with: rhs, operation: "/=", /) }
    }

    /// The compound assignments with a scalar right-hand side.
    public static func += (lhs: inout Tensor, rhs: Float) { lhs += Tensor(rhs) }
    /// Subtracts a scalar in place.
    public static func -= (lhs: inout Tensor, rhs: Float) { lhs -= Tensor(rhs) }
    /// Multiplies by a scalar in place.
    public static func *= (lhs: inout Tensor, rhs: Float) { lhs *= Tensor(rhs) }
    /// Divides by a scalar in place.
    public static func /= (lhs: inout Tensor, rhs: Float) { lhs /= Tensor(rhs) }
}
