import NeuriteCore
import NeuriteNN

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Scales all gradients together so that their global norm is at most `maxNorm`
/// (`torch.nn.utils.clip_grad_norm_`): `total = ‖(‖g₁‖, …, ‖gₖ‖)‖` in the `norm` (2 by default,
/// `.infinity` for the largest magnitude), then every gradient is multiplied by
/// `min(maxNorm / (total + 10⁻⁶), 1)`. Parameters without a gradient are skipped.
/// - Returns: the total norm before clipping (0 when there is no gradient). NaN or ∞ gradients
///   give a NaN or ∞ total and propagate, as in PyTorch.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float, norm: Float = 2) -> Float {
    precondition(maxNorm >= 0 && norm > 0, "clipGradientNorm: maxNorm \(maxNorm) and norm \(norm) must be positive")
    // A sparse table's rows count as its gradient (the rows it lacks are zeros).
    let gradients = parameters.compactMap { $0.gradient ?? $0.sparseGradient?.values }
    guard !gradients.isEmpty else { return 0 }
    let total: Float = withoutGradients {
        if norm == .infinity { return gradients.map { abs($0).max().scalar }.max()! }
        let powered = gradients.map { pow(abs($0), norm).sum().scalar }.reduce(0, +)
        return Float(pow(Double(powered), 1 / Double(norm)))
    }
    let coefficient = Swift.min(maxNorm / (total + 1e-6), 1)
    withoutGradients {
        for parameter in parameters {
            if let gradient = parameter.gradient { parameter.value.gradient = gradient * coefficient }
            if var rows = parameter.sparseGradient {
                rows.values = rows.values * coefficient
                parameter.rowGradientSink?.replace(with: rows)
            }
        }
    }
    return total
}

/// Clamps every gradient element to `[−maxValue, maxValue]` (`clip_grad_value_`).
public func clipGradientValues(_ parameters: [Parameter], maxValue: Float) {
    precondition(maxValue >= 0, "clipGradientValues: maxValue \(maxValue) is negative")
    withoutGradients {
        for parameter in parameters {
            if let gradient = parameter.gradient { parameter.value.gradient = clamp(gradient, min: -maxValue, max: maxValue) }
            if var rows = parameter.sparseGradient {
                rows.values = clamp(rows.values, min: -maxValue, max: maxValue)
                parameter.rowGradientSink?.replace(with: rows)
            }
        }
    }
}
