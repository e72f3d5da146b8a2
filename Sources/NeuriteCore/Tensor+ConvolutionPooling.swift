import NeuriteKernels

/// `rectifiedMaxPool(convolution(input, …), …)`: a convolution, ReLU and max pooling, the
/// opening of most image networks, as one operation. When the convolution takes the direct path
/// (stride 1, dilation 1, one group, an unfolded depth of at most
/// `DirectConvolution.maximumDepth`: a first layer), it runs a sample at a time and each sample's
/// convolution output stays in the cache: the largest activation of the network (`[N, O, H, W]`,
/// 12.8 MB for 32 channels of a batch of 128 28×28 images) is never written out or read back.
/// Otherwise it is the composition.
///
/// Values and gradients are those of the composition, bit for bit: the same kernels compute them,
/// and the backward pass spreads the upstream gradient over the convolution's output as max
/// pooling's backward does before the convolution's own.
/// - Precondition: as `convolution` and `maxPool` (on the convolution's output).
public func convolutionRectifiedMaxPool(
    _ input: Tensor, weight: Tensor, bias: Tensor? = nil, strides: [Int]? = nil, padding: [(before: Int, after: Int)]? = nil,
    dilation: [Int]? = nil, groups: Int = 1, poolKernel: [Int], poolStride: [Int]? = nil, poolPadding: [Int]? = nil,
    poolDilation: [Int]? = nil, ceilMode: Bool = false
) -> Tensor {
    let setup = ConvolutionSetup(input, weight: weight, bias: bias, strides: strides, padding: padding, dilation: dilation, groups: groups)
    guard setup.isDirect else {
        let convolved = convolution(input, weight: weight, bias: bias, strides: strides, padding: padding, dilation: dilation, groups: groups)
        return rectifiedMaxPool(
            convolved, kernel: poolKernel, stride: poolStride, padding: poolPadding, dilation: poolDilation, ceilMode: ceilMode)
    }
    let (plan, geometry) = (setup.plan, setup.plan.geometry)
    let axes = poolingAxes(
        "convolutionRectifiedMaxPool", shape: setup.outputShape, kernel: poolKernel, stride: poolStride, padding: poolPadding,
        dilation: poolDilation, ceilMode: ceilMode, countingPadding: true)
    let (rows, columns) = axes.count == 2 ? (axes[0], axes[1]) : (PoolingAxis.single, axes[0])
    let outputShape = Array(setup.outputShape.prefix(2)) + axes.map(\.outputs)
    let padded = DirectPadding(input, setup.padding)
    var indices = [Int32](repeating: 0, count: outputShape.reduce(1, *))
    let value = Tensor(unsafeUninitializedShape: outputShape) { buffer in
        indices.withUnsafeMutableBufferPointer { positions in
            DirectConvolution.forwardRectifiedMaxPool(
                padded.tensor.storage.base, batch: geometry.batch, channels: geometry.channels, paddedHeight: padded.height,
                paddedWidth: padded.width, weight: weight.storage.base, outChannels: plan.outChannels,
                kernelHeight: geometry.kernelHeight, kernelWidth: geometry.kernelWidth, bias: bias?.storage.base, rows: rows,
                columns: columns, into: buffer.baseAddress!, indices: positions.baseAddress!)
        }
    }
    guard Tensor.isRecording(input, weight) || (bias.map { Tensor.isRecording($0) } ?? false) else { return value }
    let gradients = DirectGradients(input, weight: weight, bias: bias, padded: padded, plan: plan)
    let (convolvedShape, captured) = (setup.outputShape, indices)
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    return Tensor.recording("convolutionRectifiedMaxPool", value: value, inputs: inputs) { g in
        // The gradient of the convolution's output: each maximum's gradient where it came from.
        let spread = Tensor(unsafeUninitializedShape: convolvedShape) { target in
            captured.withUnsafeBufferPointer { positions in
                Pooling.maxGradient(
                    g.storage.base, indices: positions.baseAddress!, planes: geometry.batch * plan.outChannels,
                    height: geometry.outputHeight, width: geometry.outputWidth, rows: rows, columns: columns, into: target.baseAddress!)
            }
        }
        return gradients(spread)
    }
}
