/// The outcome of `checkGradients`: the worst disagreement between the analytic Jacobian
/// (from `backward()`) and the numerical one (central differences).
public struct GradientCheckResult: Sendable, CustomStringConvertible {
    /// One Jacobian entry that was compared.
    public struct Entry: Sendable {
        /// Which input, which element of it (row-major), and which element of the output.
        public let input: Int, inputElement: Int, outputElement: Int
        /// The derivative from automatic differentiation, and the central difference.
        public let analytic: Double, numeric: Double
        /// `|analytic − numeric| − (absoluteTolerance + relativeTolerance · |numeric|)`:
        /// positive means the entry fails.
        public let excess: Double
    }

    /// Whether every entry is within tolerance.
    public var passed: Bool { worst.map { $0.excess <= 0 } ?? true }
    /// The entry closest to failing (or failing by most); nil when there is nothing to compare.
    public let worst: Entry?
    /// How many Jacobian entries were compared.
    public let comparedEntries: Int

    public var description: String {
        guard let worst else { return "gradient check: nothing to compare" }
        return
            "gradient check \(passed ? "passed" : "FAILED") over \(comparedEntries) entries; worst: input \(worst.input) element \(worst.inputElement), output element \(worst.outputElement): analytic \(worst.analytic), numeric \(worst.numeric)"
    }
}

/// Checks the gradients of `function` at `inputs` against central finite differences, like
/// `torch.autograd.gradcheck`: every entry of the Jacobian `∂output/∂input` from `backward()` is
/// compared with `(f(x + ε) − f(x − ε)) / (2ε)`, evaluated one input element at a time.
///
/// The function runs in `Float`; the perturbation, the differences and the comparison are done in
/// `Double` (the step is the exact difference of the two perturbed `Float` inputs). An entry
/// passes when `|analytic − numeric| ≤ absoluteTolerance + relativeTolerance · |numeric|`.
///
/// The defaults suit `Float` functions whose values are of order 1: rounding contributes about
/// `10⁻⁷ · |f| / ε ≈ 10⁻⁴·|f|` to the numeric derivative and truncation `ε²·|f‴|/6`. (PyTorch's
/// defaults, ε = 10⁻⁶, atol 10⁻⁵, rtol 10⁻³, are designed for `Double` and fail in `Float`.)
/// Keep inputs away from kinks (0 for `abs`, ties for `max`) by more than `ε`.
///
/// Cost: one backward pass per output element and two evaluations per input element, so it is
/// meant for small tensors.
///
/// - Parameters:
///   - function: maps the inputs to an output of any shape. It must be deterministic.
///   - inputs: the point; their `requiresGradient` is ignored.
///   - epsilon: the half-step ε of the central difference.
public func checkGradients(
    of function: ([Tensor]) -> Tensor,
    at inputs: [Tensor],
    epsilon: Double = 1e-3,
    absoluteTolerance: Double = 1e-3,
    relativeTolerance: Double = 1e-2
) -> GradientCheckResult {
    let analytic = withGradients { analyticJacobian(of: function, at: inputs) }
    var worst: GradientCheckResult.Entry?
    var compared = 0
    for (inputIndex, input) in inputs.enumerated() {
        for element in 0..<input.scalarCount {
            let original = input.storage.base[element]
            var plusInputs = inputs.map { $0.detached() }, minusInputs = plusInputs
            let plus = Float(Double(original) + epsilon), minus = Float(Double(original) - epsilon)
            plusInputs[inputIndex].setScalarFlat(plus, at: element)
            minusInputs[inputIndex].setScalarFlat(minus, at: element)
            let (fPlus, fMinus) = withoutGradients { (function(plusInputs), function(minusInputs)) }
            let step = Double(plus) - Double(minus)
            for outputElement in 0..<fPlus.scalarCount {
                let numeric = (Double(fPlus.storage.base[outputElement]) - Double(fMinus.storage.base[outputElement])) / step
                let exact = analytic[inputIndex][outputElement][element]
                let excess = Swift.abs(exact - numeric) - (absoluteTolerance + relativeTolerance * Swift.abs(numeric))
                let candidate = GradientCheckResult.Entry(
                    input: inputIndex, inputElement: element, outputElement: outputElement,
                    analytic: exact, numeric: numeric, excess: excess.isNaN ? .infinity : excess)
                if worst == nil || candidate.excess > worst!.excess { worst = candidate }
                compared += 1
            }
        }
    }
    return GradientCheckResult(worst: worst, comparedEntries: compared)
}

/// `jacobian[input][outputElement][inputElement]`, by one backward pass per output element.
private func analyticJacobian(of function: ([Tensor]) -> Tensor, at inputs: [Tensor]) -> [[[Double]]] {
    let leaves = inputs.map { $0.requiringGradient() }
    let output = function(leaves)
    var jacobian = inputs.map { _ in [[Double]]() }
    for outputElement in 0..<output.scalarCount {
        var rows = inputs.map { Array(repeating: 0.0, count: $0.scalarCount) }
        if output.requiresGradient {
            var upstream = Tensor.zeros(output.shape)
            upstream.setScalarFlat(1, at: outputElement)
            for leaf in leaves { leaf.gradient = nil }
            output.backward(upstream, retainingGraph: true)
            for (index, leaf) in leaves.enumerated() {
                if let gradient = leaf.gradient { rows[index] = gradient.scalars.map(Double.init) }
            }
        }
        for index in inputs.indices { jacobian[index].append(rows[index]) }
    }
    return jacobian
}

extension Tensor {
    /// Sets the element at row-major position `index`. Not recorded.
    mutating func setScalarFlat(_ value: Float, at index: Int) {
        makeStorageUnique()
        storage.base[index] = value
    }
}
