// Comparisons give masks (1 where true, 0 where false) of the broadcast shape; they are not
// differentiable. `where`, `maximum` and `minimum` are.

extension Tensor {
    /// 1 where `lhs == rhs` elementwise (broadcasting), else 0. The other comparisons are alike.
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor { broadcastValues(lhs, rhs, operation: ".==") { $0 == $1 ? 1 : 0 } }
    /// 1 where the elements differ, 0 elsewhere, broadcasting.
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor { broadcastValues(lhs, rhs, operation: ".!=") { $0 != $1 ? 1 : 0 } }
    /// 1 where `lhs < rhs`, 0 elsewhere, broadcasting.
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor { broadcastValues(lhs, rhs, operation: ".<") { $0 < $1 ? 1 : 0 } }
    /// 1 where `lhs ≤ rhs`, 0 elsewhere, broadcasting.
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor { broadcastValues(lhs, rhs, operation: ".<=") { $0 <= $1 ? 1 : 0 } }
    /// 1 where `lhs > rhs`, 0 elsewhere, broadcasting.
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor { broadcastValues(lhs, rhs, operation: ".>") { $0 > $1 ? 1 : 0 } }
    /// 1 where `lhs ≥ rhs`, 0 elsewhere, broadcasting.
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor { broadcastValues(lhs, rhs, operation: ".>=") { $0 >= $1 ? 1 : 0 } }

    /// 1 where an element equals `rhs`, else 0. The other scalar comparisons are alike.
    public static func .== (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapValues { $0 == rhs ? 1 : 0 } }
    /// 1 where an element differs from `rhs`, 0 elsewhere.
    public static func .!= (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapValues { $0 != rhs ? 1 : 0 } }
    /// 1 where an element is less than `rhs`, 0 elsewhere.
    public static func .< (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapValues { $0 < rhs ? 1 : 0 } }
    /// 1 where an element is at most `rhs`, 0 elsewhere.
    public static func .<= (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapValues { $0 <= rhs ? 1 : 0 } }
    /// 1 where an element is greater than `rhs`, 0 elsewhere.
    public static func .> (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapValues { $0 > rhs ? 1 : 0 } }
    /// 1 where an element is at least `rhs`, 0 elsewhere.
    public static func .>= (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapValues { $0 >= rhs ? 1 : 0 } }

    /// Chooses `a` where `condition` is non-zero and `b` elsewhere (`torch.where`); the three
    /// broadcast together. Gradients flow to the chosen operand only.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let shape = Shape.broadcast(Shape.broadcast(condition.shape, a.shape, operation: "where"), b.shape, operation: "where")
        let mask = condition.expanded(to: shape).detached().mapValues { $0 != 0 ? 1 : 0 }
        let (aShape, bShape) = (a.shape, b.shape)
        let chosen = zip3(mask, a.expanded(to: shape).detached(), b.expanded(to: shape).detached())
        return recording("where", value: chosen, inputs: [a, b]) { g in
            [
                broadcastValues(g, mask, operation: "where") { $1 != 0 ? $0 : 0 }.sum(toShape: aShape),
                broadcastValues(g, mask, operation: "where") { $1 != 0 ? 0 : $0 }.sum(toShape: bShape),
            ]
        }
    }

    /// Elementwise `mask ? a : b` for three tensors of one shape.
    private static func zip3(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        Tensor(unsafeUninitializedShape: mask.shape) { output in
            for i in output.indices { output[i] = mask.storage.base[i] != 0 ? a.storage.base[i] : b.storage.base[i] }
        }
    }

    /// The larger of `a` and `b` elementwise, broadcasting (`torch.maximum`; NaN propagates).
    /// Where they tie, each receives half the gradient, as in PyTorch.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        extremum("maximum", a, b, prefersFirst: { $0 > $1 })
    }

    /// The smaller of `a` and `b` elementwise, broadcasting (`torch.minimum`; NaN propagates).
    /// Where they tie, each receives half the gradient.
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
        extremum("minimum", a, b, prefersFirst: { $0 < $1 })
    }

    private static func extremum(
        _ operation: String, _ a: Tensor, _ b: Tensor, prefersFirst: @escaping (Float, Float) -> Bool
    ) -> Tensor {
        let value = broadcastValues(a, b, operation: operation) { x, y in
            x.isNaN || y.isNaN ? Float.nan : (prefersFirst(x, y) || x == y ? x : y)
        }
        let (x, y) = (a.detached(), b.detached())
        return recording(operation, value: value, inputs: [a, b]) { g in
            // Share of the gradient that goes to `a`: 1 where it wins, ½ on ties, 0 where it loses.
            let share = broadcastValues(x, y, operation: operation) { p, q in p == q ? 0.5 : (prefersFirst(p, q) ? 1 : 0) }
            return [(g * share).sum(toShape: x.shape), (g * (1 - share)).sum(toShape: y.shape)]
        }
    }
}
