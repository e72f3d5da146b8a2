/// The elementwise functions as methods too, the spelling PyTorch users try first (`x.abs()`,
/// `x.exp()`): each is the free function of the same name (`abs(x)`, `exp(x)`), with the same
/// gradient.
extension Tensor {
    /// `|x|` elementwise (`abs(x)`).
    public func abs() -> Tensor { NeuriteCore.abs(self) }
    /// `eˣ` elementwise (`exp(x)`).
    public func exp() -> Tensor { NeuriteCore.exp(self) }
    /// The natural logarithm elementwise (`log(x)`).
    public func log() -> Tensor { NeuriteCore.log(self) }
    /// `√x` elementwise (`sqrt(x)`).
    public func sqrt() -> Tensor { NeuriteCore.sqrt(self) }
    /// `x²` elementwise (`square(x)`).
    public func square() -> Tensor { NeuriteCore.square(self) }
    /// `sin x` elementwise (`sin(x)`).
    public func sin() -> Tensor { NeuriteCore.sin(self) }
    /// `cos x` elementwise (`cos(x)`).
    public func cos() -> Tensor { NeuriteCore.cos(self) }
    /// `tanh x` elementwise (`tanh(x)`).
    public func tanh() -> Tensor { NeuriteCore.tanh(self) }
    /// `1 / (1 + e⁻ˣ)` elementwise (`sigmoid(x)`).
    public func sigmoid() -> Tensor { NeuriteCore.sigmoid(self) }
    /// The error function elementwise (`erf(x)`).
    public func erf() -> Tensor { NeuriteCore.erf(self) }
}
