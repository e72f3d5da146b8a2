import NeuriteCore

/// `x · relu6(x + 3) / 6` (Howard et al., "Searching for MobileNetV3", 2019; PyTorch's
/// `F.hardswish`): 0 for x ≤ −3, x for x ≥ 3, `x(x + 3)/6` between. Derivative 0 for x ≤ −3, 1 for
/// x ≥ 3, `x/3 + 1/2` between; at the two kinks the outer side's value, as PyTorch's current
/// kernels give (older scalar kernels gave −1/2 and 3/2 there).
public func hardswish(_ x: Tensor) -> Tensor {
    let input = x.detached()
    let value = Tensor(unsafeUninitializedShape: x.shape) { output in
        input.withUnsafeBufferPointer { source in
            for i in source.indices { output[i] = source[i] * Swift.min(Swift.max(source[i] + 3, 0), 6) / 6 }
        }
    }
    return Tensor.recording("hardswish", value: value, inputs: [x]) { g in
        let slope = Tensor(unsafeUninitializedShape: input.shape) { output in
            input.withUnsafeBufferPointer { source in
                for i in source.indices { output[i] = source[i] <= -3 ? 0 : source[i] >= 3 ? 1 : source[i] / 3 + 0.5 }
            }
        }
        return [g * slope]
    }
}

/// `hardswish(x)` as a layer (PyTorch's `nn.Hardswish`).
public final class Hardswish: Module, ParameterlessLayer {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { hardswish(input) }
    public override func outputShape(forInput shape: [Int]) -> [Int]? { shape }
}
