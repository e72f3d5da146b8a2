import NeuriteKernels

/// Cross-correlation over the last one or two axes, as PyTorch's `conv1d` / `conv2d`:
/// `[N, C, L] ⋆ [O, C/groups, k] → [N, O, oL]` and `[N, C, H, W] ⋆ [O, C/groups, kh, kw] →
/// [N, O, oh, ow]`, with
///
/// `out[n, o, y, x] = bias[o] + Σ_{c, i, j} input[n, g·C/groups + c, y·sy − pt + i·dy, x·sx − pl + j·dx] · weight[o, c, i, j]`
///
/// where `g = o / (O/groups)` is the output channel's group and reads outside the input are 0.
/// Each output length is `⌊(L + before + after − d·(k − 1) − 1) / s⌋ + 1`. `strides` and
/// `dilation` default to 1 and `padding` to none; each has one entry per spatial axis.
///
/// Computed as matrix products of the weight `[O/groups, C/groups·kh·kw]` and the unfolded input
/// (`Im2Col`). Without groups, a sample at a time (`SampleConvolution`): each sample's unfolded
/// input `[C·kh·kw, oh·ow]` stays in the cache and the products read and write `[N, C, H, W]`
/// directly. With groups, and for the shallow first layers the direct path does not take, one
/// product per group over the whole batch (`[C/groups·kh·kw, N·oh·ow]`, unfolded straight into
/// the GEMM's panel layout, `PanelMajor`).
///
/// Derivatives: `∂weight = G·colsᵀ`, `∂input = fold(weightᵀ·G)`, `∂bias = Σ G` over the batch
/// and positions, each computed only when that operand needs it.
/// - Precondition: `weight` has rank 3 or 4 and `input` the same rank; the channel counts
///   divide by `groups` and agree; positive strides and dilation, non-negative padding; an output
///   of at least one position; `bias` is `[O]`.
public func convolution(
    _ input: Tensor, weight: Tensor, bias: Tensor? = nil, strides: [Int]? = nil,
    padding: [(before: Int, after: Int)]? = nil, dilation: [Int]? = nil, groups: Int = 1
) -> Tensor {
    let setup = ConvolutionSetup(input, weight: weight, bias: bias, strides: strides, padding: padding, dilation: dilation, groups: groups)
    let (plan, groups, outputShape) = (setup.plan, groups, setup.outputShape)
    let (batch, outChannels, geometry) = (plan.geometry.batch, plan.outChannels, plan.geometry)
    if setup.isDirect {
        return directConvolution(input, weight: weight, bias: bias, padding: setup.padding, plan: plan, outputShape: outputShape)
    }
    if groups == 1 && !plan.shallow {
        return convolutionBySample(input, weight: weight, bias: bias, plan: plan, outputShape: outputShape)
    }

    let columns = Tensor(unsafeUninitializedShape: [groups * plan.columnsCount]) { buffer in
        for group in 0..<groups {
            let target = buffer.baseAddress! + group * plan.columnsCount
            if plan.panelMajor {
                Im2Col.unfoldPanels(input.storage.base, geometry, channels: plan.inputChannels(of: group), into: target)
            } else {
                Im2Col.unfold(input.storage.base, geometry, channels: plan.inputChannels(of: group), into: target)
            }
        }
    }
    let product = plan.forward(weight: weight.storage.base, columns: columns.storage.base)
    let value = Tensor(unsafeUninitializedShape: outputShape) { buffer in
        ChannelMajor.toBatchMajor(
            product.storage.base, into: buffer.baseAddress!, channels: outChannels, batch: batch,
            plane: geometry.outputPlaneSize, bias: bias?.storage.base)
    }
    guard Tensor.isRecording(input, weight) || (bias.map { Tensor.isRecording($0) } ?? false) else { return value }
    let needsInput = input.activeNode != nil, needsWeight = weight.activeNode != nil, needsBias = bias?.activeNode != nil
    let (inputShape, weightValue) = (input.shape, weight.detached())
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    return Tensor.recording("convolution", value: value, inputs: inputs) { g in
        // The upstream gradient with the channels leading, as the products want it.
        let gradient = Tensor(unsafeUninitializedShape: [outChannels, plan.positions]) { buffer in
            ChannelMajor.fromBatchMajor(
                g.storage.base, into: buffer.baseAddress!, channels: outChannels, batch: batch, plane: geometry.outputPlaneSize)
        }
        let gradientWeight =
            needsWeight ? plan.weightGradient(gradient.storage.base, columns: columns.storage.base, shape: weightValue.shape) : nil
        let gradientInput =
            needsInput ? plan.inputGradient(gradient.storage.base, weight: weightValue.storage.base, shape: inputShape) : nil
        let gradientBias = needsBias ? plan.biasGradient(gradient.storage.base) : nil
        return [gradientInput, gradientWeight] + (bias == nil ? [] : [gradientBias])
    }
}

/// A convolution's settings checked against its operands, with the sizes every path needs.
struct ConvolutionSetup {
    let plan: ConvolutionPlan
    let padding: [(before: Int, after: Int)]
    /// `[N, O, oh]` or `[N, O, oh, ow]`.
    let outputShape: [Int]
    /// Whether the direct path computes it (stride 1, dilation 1, one group, a shallow unfold).
    let isDirect: Bool

    /// - Precondition: as `convolution`'s.
    init(
        _ input: Tensor, weight: Tensor, bias: Tensor?, strides: [Int]?, padding: [(before: Int, after: Int)]?, dilation: [Int]?,
        groups: Int
    ) {
        let spatial = weight.rank - 2
        let operation = "convolution: input \(input.shape), weight \(weight.shape)"
        precondition(spatial == 1 || spatial == 2, "\(operation): the weight must be [out, in/groups, k] or [out, in/groups, kh, kw]")
        precondition(input.rank == spatial + 2, "\(operation): the input must be \(spatial == 1 ? "[N, C, L]" : "[N, C, H, W]")")
        let strides = strides ?? Array(repeating: 1, count: spatial)
        let dilation = dilation ?? Array(repeating: 1, count: spatial)
        let padding = padding ?? Array(repeating: (0, 0), count: spatial)
        precondition(
            strides.count == spatial && dilation.count == spatial && padding.count == spatial,
            "\(operation): strides \(strides), dilation \(dilation) and padding need one entry per spatial axis (\(spatial))")
        precondition(
            (strides + dilation).allSatisfy { $0 > 0 } && padding.allSatisfy { $0.before >= 0 && $0.after >= 0 },
            "\(operation): strides \(strides) and dilation \(dilation) must be positive and padding \(padding.map { [$0.before, $0.after] }) non-negative"
        )
        let (batch, channels, outChannels) = (input.shape[0], input.shape[1], weight.shape[0])
        precondition(
            groups >= 1 && channels % groups == 0 && outChannels % groups == 0,
            "\(operation): \(channels) input and \(outChannels) output channels must both divide into \(groups) groups")
        precondition(
            weight.shape[1] * groups == channels,
            "\(operation): the weight takes \(weight.shape[1]) channels per group × \(groups) groups, the input has \(channels)")
        if let bias { precondition(bias.shape == [outChannels], "\(operation): the bias must be [\(outChannels)], got \(bias.shape)") }
        let lengths = Array(input.shape.dropFirst(2)), kernel = Array(weight.shape.dropFirst(2))
        let outputs = (0..<spatial).map { axis in
            let span = dilation[axis] * (kernel[axis] - 1) + 1
            let padded = lengths[axis] + padding[axis].before + padding[axis].after
            return padded < span ? 0 : (padded - span) / strides[axis] + 1
        }
        precondition(
            outputs.allSatisfy { $0 > 0 },
            "\(operation): kernel \(kernel) with dilation \(dilation) does not fit the padded input \(lengths) (padding \(padding.map { [$0.before, $0.after] }))"
        )

        let first = spatial == 2 ? 0 : nil, last = spatial - 1
        let geometry = WindowGeometry(
            batch: batch, channels: channels, height: first.map { lengths[$0] } ?? 1, width: lengths[last],
            kernelHeight: first.map { kernel[$0] } ?? 1, kernelWidth: kernel[last],
            strideY: first.map { strides[$0] } ?? 1, strideX: strides[last],
            dilationY: first.map { dilation[$0] } ?? 1, dilationX: dilation[last],
            padTop: first.map { padding[$0].before } ?? 0, padLeft: padding[last].before,
            outputHeight: first.map { outputs[$0] } ?? 1, outputWidth: outputs[last])
        let plan = ConvolutionPlan(geometry: geometry, groups: groups, outChannels: outChannels)
        self.plan = plan
        self.padding = padding
        outputShape = [batch, outChannels] + outputs
        isDirect =
            groups == 1 && strides.allSatisfy { $0 == 1 } && dilation.allSatisfy { $0 == 1 } && plan.depth <= DirectConvolution.maximumDepth
    }
}

/// A shallow convolution (stride 1, dilation 1, one group, unfolded depth at most
/// `DirectConvolution.maximumDepth`) computed tap by tap on a zero-padded copy of the input, which
/// the backward pass reuses for the weight gradient. The input gradient goes through the product
/// path, which needs no unfolded input.
private func directConvolution(
    _ input: Tensor, weight: Tensor, bias: Tensor?, padding: [(before: Int, after: Int)], plan: ConvolutionPlan, outputShape: [Int]
) -> Tensor {
    let geometry = plan.geometry
    let padded = DirectPadding(input, padding)
    let value = Tensor(unsafeUninitializedShape: outputShape) { buffer in
        DirectConvolution.forward(
            padded.tensor.storage.base, batch: geometry.batch, channels: geometry.channels, paddedHeight: padded.height,
            paddedWidth: padded.width, weight: weight.storage.base, outChannels: plan.outChannels,
            kernelHeight: geometry.kernelHeight, kernelWidth: geometry.kernelWidth, bias: bias?.storage.base,
            into: buffer.baseAddress!)
    }
    guard Tensor.isRecording(input, weight) || (bias.map { Tensor.isRecording($0) } ?? false) else { return value }
    let gradients = DirectGradients(input, weight: weight, bias: bias, padded: padded, plan: plan)
    return Tensor.recording("convolution", value: value, inputs: [input, weight] + (bias.map { [$0] } ?? [])) { g in gradients(g) }
}

/// The zero-padded input of the direct path, which its backward pass reuses for the weight
/// gradient. One spatial axis is a height of 1.
struct DirectPadding {
    let tensor: Tensor
    let height: Int, width: Int

    init(_ input: Tensor, _ padding: [(before: Int, after: Int)]) {
        tensor = withoutGradients { input.detached().padded(padding) }
        (height, width) = (tensor.rank == 4 ? tensor.shape[2] : 1, tensor.shape[tensor.rank - 1])
    }
}

/// The derivatives of a direct convolution for an upstream gradient in `[N, O, oh, ow]`: the
/// weight and bias gradients in one pass over it (the bias alone when the weight is frozen), the
/// input gradient through the product path, each only when that operand needs it.
struct DirectGradients {
    let padded: DirectPadding
    let plan: ConvolutionPlan
    let inputShape: [Int], weightValue: Tensor
    let needsInput: Bool, needsWeight: Bool, needsBias: Bool, hasBias: Bool

    init(_ input: Tensor, weight: Tensor, bias: Tensor?, padded: DirectPadding, plan: ConvolutionPlan) {
        (self.padded, self.plan, inputShape, weightValue) = (padded, plan, input.shape, weight.detached())
        (needsInput, needsWeight, needsBias, hasBias) = (input.activeNode != nil, weight.activeNode != nil, bias?.activeNode != nil, bias != nil)
    }

    /// `[∂input, ∂weight]`, and `∂bias` when there is a bias.
    func callAsFunction(_ g: Tensor) -> [Tensor?] {
        let geometry = plan.geometry
        var gradientBias: Tensor?, gradientWeight: Tensor?
        if needsWeight {
            gradientWeight = Tensor(unsafeUninitializedShape: weightValue.shape) { weightBuffer in
                func weightGradient(bias: UnsafeMutablePointer<Float>?) {
                    DirectConvolution.weightGradient(
                        padded.tensor.storage.base, batch: geometry.batch, channels: geometry.channels, paddedHeight: padded.height,
                        paddedWidth: padded.width, gradient: g.storage.base, outChannels: plan.outChannels,
                        kernelHeight: geometry.kernelHeight, kernelWidth: geometry.kernelWidth, into: weightBuffer.baseAddress!,
                        biasGradient: bias)
                }
                if needsBias {
                    gradientBias = Tensor(unsafeUninitializedShape: [plan.outChannels]) { weightGradient(bias: $0.baseAddress!) }
                } else {
                    weightGradient(bias: nil)
                }
            }
        } else if needsBias {
            gradientBias = ChannelMajor.channelSums(
                g.storage.base, channels: plan.outChannels, batch: geometry.batch, plane: geometry.outputPlaneSize)
        }
        var gradientInput: Tensor?
        if needsInput {
            let channelMajor = Tensor(unsafeUninitializedShape: [plan.outChannels, plan.positions]) { buffer in
                ChannelMajor.fromBatchMajor(
                    g.storage.base, into: buffer.baseAddress!, channels: plan.outChannels, batch: geometry.batch,
                    plane: geometry.outputPlaneSize)
            }
            gradientInput = plan.inputGradient(channelMajor.storage.base, weight: weightValue.storage.base, shape: inputShape)
        }
        return [gradientInput, gradientWeight] + (hasBias ? [gradientBias] : [])
    }
}

/// An ungrouped convolution computed a sample at a time (`SampleConvolution`): nothing the size of
/// the whole batch's unfolded input is stored, and the output and its gradient stay in the public
/// `[N, O, oh, ow]` layout. The backward pass unfolds each sample again for the weight gradient.
private func convolutionBySample(_ input: Tensor, weight: Tensor, bias: Tensor?, plan: ConvolutionPlan, outputShape: [Int]) -> Tensor {
    let geometry = plan.geometry
    // 3×3 kernels with stride 1 (most of a CNN's products) by Winograd's F(2×2, 3×3): 2.25 times
    // fewer multiplications in each of the three products.
    let winograd = WinogradConvolution.applies(to: geometry, outChannels: plan.outChannels)
    let value = Tensor(unsafeUninitializedShape: outputShape) { buffer in
        if winograd {
            WinogradConvolution.forward(
                input.storage.base, geometry, weight: weight.storage.base, outChannels: plan.outChannels, bias: bias?.storage.base,
                into: buffer.baseAddress!)
        } else {
            SampleConvolution.forward(
                input.storage.base, geometry, weight: weight.storage.base, outChannels: plan.outChannels, bias: bias?.storage.base,
                into: buffer.baseAddress!)
        }
    }
    guard Tensor.isRecording(input, weight) || (bias.map { Tensor.isRecording($0) } ?? false) else { return value }
    let needsInput = input.activeNode != nil, needsWeight = weight.activeNode != nil, needsBias = bias?.activeNode != nil
    let (inputValue, weightValue) = (input.detached(), weight.detached())
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    return Tensor.recording("convolution", value: value, inputs: inputs) { g in
        let gradientWeight =
            needsWeight
            ? Tensor(unsafeUninitializedShape: weightValue.shape) { buffer in
                if winograd {
                    WinogradConvolution.weightGradient(
                        g.storage.base, input: inputValue.storage.base, geometry, outChannels: plan.outChannels, into: buffer.baseAddress!)
                } else {
                    SampleConvolution.weightGradient(
                        g.storage.base, input: inputValue.storage.base, geometry, outChannels: plan.outChannels, into: buffer.baseAddress!)
                }
            } : nil
        var gradientInput: Tensor?
        if needsInput {
            var result = Tensor.zeros(inputValue.shape)
            result.withUnsafeMutableBufferPointer { target in
                if winograd {
                    WinogradConvolution.inputGradient(
                        g.storage.base, geometry, weight: weightValue.storage.base, outChannels: plan.outChannels,
                        accumulatingInto: target.baseAddress!)
                } else {
                    SampleConvolution.inputGradient(
                        g.storage.base, geometry, weight: weightValue.storage.base, outChannels: plan.outChannels,
                        accumulatingInto: target.baseAddress!)
                }
            }
            gradientInput = result
        }
        let gradientBias =
            needsBias
            ? ChannelMajor.channelSums(g.storage.base, channels: plan.outChannels, batch: geometry.batch, plane: geometry.outputPlaneSize)
            : nil
        return [gradientInput, gradientWeight] + (bias == nil ? [] : [gradientBias])
    }
}

/// The matrix products of a grouped convolution over the whole batch (see `convolution`).
struct ConvolutionPlan {
    let geometry: WindowGeometry
    let groups: Int
    let outChannels: Int
    /// Input channels per group.
    var groupChannels: Int { geometry.channels / groups }
    /// Output channels per group.
    var groupOutChannels: Int { outChannels / groups }
    /// Rows of a group's unfolded input (the products' depth): `C/groups · kh · kw`.
    var depth: Int { groupChannels * geometry.kernelArea }
    /// Output positions of the whole batch: `N · oh · ow`.
    var positions: Int { geometry.batch * geometry.outputPlaneSize }

    /// Whether each group's unfolded input is stored `PanelMajor` (used by the forward product in
    /// place) rather than by rows. A shallow unfold (see `weightGradient`) keeps rows, as its
    /// weight gradient reads the columns as the A operand.
    var panelMajor: Bool { !shallow }
    /// The weight gradient of a shallow unfold is computed transposed (see `weightGradient`).
    var shallow: Bool { depth <= 16 && groupOutChannels > 16 }
    /// Floats of one group's unfolded input.
    var columnsCount: Int { panelMajor ? PanelMajor.count(rows: depth, columns: positions) : depth * positions }

    func inputChannels(of group: Int) -> Range<Int> { group * groupChannels..<(group + 1) * groupChannels }

    /// `[O, N·oh·ow]`: each group's weight rows times its columns.
    func forward(weight: UnsafePointer<Float>, columns: UnsafePointer<Float>) -> Tensor {
        Tensor(unsafeUninitializedShape: [outChannels, positions]) { buffer in
            for group in 0..<groups {
                let (a, c) = (weight + group * groupOutChannels * depth, buffer.baseAddress! + group * groupOutChannels * positions)
                if panelMajor {
                    Gemm.multiply(
                        transposeA: false, transposeB: false, m: groupOutChannels, n: positions, k: depth, alpha: 1, a: a, lda: depth,
                        panelMajorB: columns + group * columnsCount, beta: 0, c: c, ldc: positions)
                } else {
                    Gemm.multiply(
                        transposeA: false, transposeB: false, m: groupOutChannels, n: positions, k: depth, alpha: 1, a: a, lda: depth,
                        b: columns + group * columnsCount, ldb: positions, beta: 0, c: c, ldc: positions)
                }
            }
        }
    }

    /// `∂weight = G·colsᵀ` per group, `G` being `[O, N·oh·ow]`. A shallow unfold (a first layer's
    /// `1·3·3 = 9` rows) would make that a product with 9 columns and a depth of `N·oh·ow`, which
    /// the GEMM runs as long dot products; its transpose `cols·Gᵀ` is a packed product, so that
    /// is computed and transposed back.
    func weightGradient(_ gradient: UnsafePointer<Float>, columns: UnsafePointer<Float>, shape: [Int]) -> Tensor {
        let transposed = shallow ? Tensor(unsafeUninitializedShape: [depth, groupOutChannels]) { _ in } : nil
        return Tensor(unsafeUninitializedShape: shape) { buffer in
            for group in 0..<groups {
                let g = gradient + group * groupOutChannels * positions, cols = columns + group * columnsCount
                let target = buffer.baseAddress! + group * groupOutChannels * depth
                guard let transposed else {
                    Gemm.multiply(
                        transposeA: false, transposeB: true, m: groupOutChannels, n: depth, k: positions,
                        alpha: 1, a: g, lda: positions, panelMajorB: cols, beta: 0, c: target, ldc: depth)
                    continue
                }
                Gemm.multiply(
                    transposeA: false, transposeB: true, m: depth, n: groupOutChannels, k: positions,
                    alpha: 1, a: cols, lda: positions, b: g, ldb: positions, beta: 0, c: transposed.storage.base, ldc: groupOutChannels)
                for row in 0..<depth {
                    for column in 0..<groupOutChannels { target[column * depth + row] = transposed.storage.base[row * groupOutChannels + column] }
                }
            }
        }
    }

    /// `∂input = fold(weightᵀ·G)` per group.
    func inputGradient(_ gradient: UnsafePointer<Float>, weight: UnsafePointer<Float>, shape: [Int]) -> Tensor {
        var result = Tensor.zeros(shape)
        let columns = Tensor(unsafeUninitializedShape: [depth, positions]) { _ in }
        result.withUnsafeMutableBufferPointer { target in
            for group in 0..<groups {
                Gemm.multiply(
                    transposeA: true, transposeB: false, m: depth, n: positions, k: groupOutChannels,
                    alpha: 1, a: weight + group * groupOutChannels * depth, lda: depth,
                    b: gradient + group * groupOutChannels * positions, ldb: positions,
                    beta: 0, c: columns.storage.base, ldc: positions)
                Im2Col.fold(columns.storage.base, geometry, channels: inputChannels(of: group), accumulatingInto: target.baseAddress!)
            }
        }
        return result
    }

    /// `∂bias[o] = Σ G[o, ·]`, each channel summed in order by one thread.
    func biasGradient(_ gradient: UnsafePointer<Float>) -> Tensor {
        Tensor(unsafeUninitializedShape: [outChannels]) { buffer in
            let (source, target, count) = (UncheckedSendable(gradient), UncheckedSendable(buffer.baseAddress!), positions)
            Parallel.forEachRange(outChannels, threads: outChannels * count < 1 << 16 ? 1 : Threading.maximumThreads) { channels in
                for channel in channels {
                    let row = source.value + channel * count
                    // Eight running sums, combined in a fixed order: vectorisable, and the same on any thread count.
                    var lanes = SIMD8<Float>()
                    var position = 0
                    while position + 8 <= count {
                        lanes += UnsafeRawPointer(row + position).loadUnaligned(as: SIMD8<Float>.self)
                        position += 8
                    }
                    var total = lanes.sum()
                    while position < count {
                        total += row[position]
                        position += 1
                    }
                    target.value[channel] = total
                }
            }
        }
    }
}

/// Moving between `[N, C, P]` (the public layout) and `[C, N, P]` (the layout of the products).
enum ChannelMajor {
    /// `output[n, c, p] = source[c, n, p] + bias[c]`.
    static func toBatchMajor(
        _ source: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, channels: Int, batch: Int, plane: Int,
        bias: UnsafePointer<Float>?
    ) {
        let (from, to) = (UncheckedSendable(source), UncheckedSendable(output))
        Parallel.forEachRange(batch, threads: batch * channels * plane < 1 << 16 ? 1 : Threading.maximumThreads) { range in
            for n in range {
                for c in 0..<channels {
                    let (read, write) = (from.value + (c * batch + n) * plane, to.value + (n * channels + c) * plane)
                    let shift = bias?[c] ?? 0
                    for p in 0..<plane { write[p] = read[p] + shift }
                }
            }
        }
    }

    /// `Σ_{n, p} source[n, c, p]` per channel `c`, each channel summed in order by one thread.
    static func channelSums(_ source: UnsafePointer<Float>, channels: Int, batch: Int, plane: Int) -> Tensor {
        Tensor(unsafeUninitializedShape: [channels]) { buffer in
            let (from, to) = (UncheckedSendable(source), UncheckedSendable(buffer.baseAddress!))
            Parallel.forEachRange(channels, threads: batch * channels * plane < 1 << 16 ? 1 : Threading.maximumThreads) { range in
                for c in range {
                    var lanes = SIMD8<Float>(), total: Float = 0
                    for n in 0..<batch {
                        let row = from.value + (n * channels + c) * plane
                        var p = 0
                        while p + 8 <= plane {
                            lanes += UnsafeRawPointer(row + p).loadUnaligned(as: SIMD8<Float>.self)
                            p += 8
                        }
                        while p < plane {
                            total += row[p]
                            p += 1
                        }
                    }
                    to.value[c] = lanes.sum() + total
                }
            }
        }
    }

    /// `output[c, n, p] = source[n, c, p]`.
    static func fromBatchMajor(_ source: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, channels: Int, batch: Int, plane: Int) {
        let (from, to) = (UncheckedSendable(source), UncheckedSendable(output))
        Parallel.forEachRange(channels, threads: batch * channels * plane < 1 << 16 ? 1 : Threading.maximumThreads) { range in
            for c in range {
                for n in 0..<batch {
                    (to.value + (c * batch + n) * plane).update(from: from.value + (n * channels + c) * plane, count: plane)
                }
            }
        }
    }
}
