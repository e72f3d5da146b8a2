import Foundation
import NeuriteCore

/// How integrated gradients approximates the path integral `∫₀¹ ∂F/∂x(b + α(x − b)) dα`:
/// points `αₖ` and weights `wₖ` with `∫₀¹ g ≈ Σₖ wₖ g(αₖ)`.
///
/// | method | αₖ (k = 0…n−1) | wₖ |
/// |---|---|---|
/// | `riemannLeft` | k/n | 1/n |
/// | `riemannRight` | (k+1)/n | 1/n |
/// | `riemannMiddle` | (k+½)/n | 1/n |
/// | `riemannTrapezoid` | k/(n−1) | 1/(n−1), halved at both ends |
/// | `gaussLegendre` (default) | (1 + tₖ)/2 | vₖ/2, for the Gauss–Legendre nodes tₖ and weights vₖ on [−1, 1] |
///
/// The points are computed in `Float` the way Captum does (`torch.linspace` in float32), so the
/// Riemann and Gauss–Legendre points equal Captum's. The trapezoid weights differ on purpose:
/// Captum uses 1/n (halved at the ends), which sums to (n−1)/n and biases every attribution by
/// that factor; Neurite's sum to 1 (see `Documentation/Interpretability.md`).
public enum IntegrationMethod: String, Sendable, CaseIterable {
    /// Captum's rules: left, right, midpoint and trapezoid Riemann sums, and Gauss–Legendre quadrature (its default).
    case riemannLeft, riemannRight, riemannMiddle, riemannTrapezoid, gaussLegendre

    /// The `count` points and weights of the rule on [0, 1].
    ///
    /// - Precondition: `count ≥ 1` (`≥ 2` for the trapezoid rule).
    public func points(count: Int) -> (alphas: [Float], weights: [Float]) {
        precondition(
            count >= (self == .riemannTrapezoid ? 2 : 1),
            "integratedGradients: \(count) steps are too few for \(rawValue)")
        let n = Float(count)
        func linspace(_ start: Double, _ end: Double) -> [Float] { Tensor.linspace(Float(start), Float(end), count: count).scalars }
        let uniform = [Float](repeating: 1 / n, count: count)
        switch self {
        case .riemannLeft: return (linspace(0, 1 - 1 / Double(count)), uniform)
        case .riemannRight: return (linspace(1 / Double(count), 1), uniform)
        case .riemannMiddle: return (linspace(1 / (2 * Double(count)), 1 - 1 / (2 * Double(count))), uniform)
        case .riemannTrapezoid:
            var weights = [Float](repeating: 1 / Float(count - 1), count: count)
            weights[0] /= 2
            weights[count - 1] /= 2
            return (linspace(0, 1), weights)
        case .gaussLegendre:
            let (nodes, weights) = Self.gaussLegendre(count)
            return (nodes.map { Float(0.5 * (1 + $0)) }, weights.map { Float(0.5 * $0) })
        }
    }

    /// Gauss–Legendre nodes (ascending) and weights on [−1, 1], by Newton's method on the
    /// Legendre polynomial Pₙ from the usual starting guesses, in `Double`.
    static func gaussLegendre(_ n: Int) -> (nodes: [Double], weights: [Double]) {
        var nodes = [Double](repeating: 0, count: n), weights = nodes
        for i in 0..<(n + 1) / 2 {
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                // Pₙ(x) by the three-term recurrence, and Pₙ'(x) from Pₙ and Pₙ₋₁.
                var (previous, current) = (1.0, x)  // P₀, P₁
                for k in stride(from: 2, through: n, by: 1) {
                    (previous, current) = (current, ((2 * Double(k) - 1) * x * current - (Double(k) - 1) * previous) / Double(k))
                }
                derivative = Double(n) * (x * current - previous) / (x * x - 1)
                let change = current / derivative
                x -= change
                if Swift.abs(change) < 1e-15 { break }
            }
            let weight = 2 / ((1 - x * x) * derivative * derivative)
            nodes[i] = -x
            nodes[n - 1 - i] = x
            weights[i] = weight
            weights[n - 1 - i] = weight
        }
        return (nodes, weights)
    }
}
