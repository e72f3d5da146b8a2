import NeuriteCore

extension Explainer {
    /// Occlusion (Zeiler & Fergus 2014, Captum's `Occlusion`): slides a window over each example,
    /// replaces the values under it with `fill`, and attributes the drop of the target output
    /// `F(x) − F(x with the window filled)` to every value under the window; values covered by
    /// several windows get the average of their drops.
    ///
    /// Windows start at index 0 on every axis and move by `strides` until the axis is covered,
    /// so the last window on an axis may be cut off (Captum's placement).
    ///
    /// - Parameters:
    ///   - inputs: a batch `[N, …]`.
    ///   - window: the window's shape over one example's axes, e.g. `[1, 4, 4]` for `[N, 1, 28, 28]`.
    ///   - strides: the window's step per axis (default 1 on every axis, Captum's).
    ///   - fill: the value put under the window (default 0, Captum's).
    ///   - internalBatchSize: the most rows per forward pass (nil: up to 2²² input values).
    /// - Returns: attributions of the inputs' shape `[N, …]`.
    public func occlusion(
        _ inputs: Tensor, window: [Int], strides: [Int]? = nil, fill: Float = 0,
        target: AttributionTarget = .predicted, internalBatchSize: Int? = nil
    ) -> Tensor {
        precondition(inputs.rank >= 1 && inputs.shape[0] > 0, "occlusion: inputs \(inputs.shape) need a non-empty batch axis")
        let inputs = inputs.detached()
        let clean = outputs(inputs)
        let columns = columns(for: target, outputs: clean, inputShape: inputs.shape, operation: "occlusion")
        let sampleShape = Array(inputs.shape.dropFirst())
        let strides = strides ?? [Int](repeating: 1, count: sampleShape.count)
        precondition(
            window.count == sampleShape.count && strides.count == sampleShape.count,
            "occlusion: window \(window) and strides \(strides) need one length per axis of an example \(sampleShape)")
        for axis in sampleShape.indices {
            precondition((1...sampleShape[axis]).contains(window[axis]), "occlusion: window \(window) does not fit an example \(sampleShape)")
            precondition(strides[axis] >= 1, "occlusion: strides \(strides) must be positive")
        }
        let windows = Self.windows(sampleShape: sampleShape, window: window, strides: strides)
        let count = inputs.shape[0], size = sampleShape.reduce(1, *)
        let original = withoutGradients { selected(clean, columns: columns) }.scalars

        var totals = [Double](repeating: 0, count: count * size)
        var coverage = [Double](repeating: 0, count: size)
        let perBatch = Self.repeatsPerBatch(examples: count, values: inputs.scalarCount, rows: internalBatchSize, total: windows.count)
        for first in stride(from: 0, to: windows.count, by: perBatch) {
            let chunk = windows[first..<min(windows.count, first + perBatch)]
            // Copies of the examples, window-major, each with its window filled: written in one pass.
            var occluded = Tensor.zeros([chunk.count * count] + sampleShape)
            occluded.withUnsafeMutableBufferPointer { batch in
                inputs.withUnsafeBufferPointer { examples in
                    for (position, covered) in chunk.enumerated() {
                        let block = UnsafeMutableBufferPointer(rebasing: batch[(position * count * size)..<((position + 1) * count * size)])
                        _ = block.initialize(from: examples)
                        for example in 0..<count {
                            for i in covered { block[example * size + i] = fill }
                        }
                    }
                }
            }
            let changed = outputs(of: occluded, columns: columns).scalars
            for (position, covered) in chunk.enumerated() {
                for example in 0..<count {
                    let drop = Double(original[example] - changed[position * count + example])
                    for i in covered { totals[example * size + i] += drop }
                }
                for i in covered { coverage[i] += 1 }
            }
        }
        let averaged = totals.indices.map { Float(totals[$0] / Swift.max(1, coverage[$0 % size])) }
        return Tensor(averaged, shape: inputs.shape)
    }

    /// The explained outputs of `batch`, without gradients.
    private func outputs(of batch: Tensor, columns: [Int]?) -> Tensor {
        withoutGradients { selectedOutputs(batch, columns: columns) }
    }

    /// The row-major indices (within one example) that each window position covers.
    static func windows(sampleShape: [Int], window: [Int], strides: [Int]) -> [[Int]] {
        // Corners per axis: 0, s, 2s, … until the window reaches the end (the last may be cut off).
        let starts = sampleShape.indices.map { axis -> [Int] in
            let shifts = (sampleShape[axis] - window[axis] + strides[axis] - 1) / strides[axis]
            return (0...shifts).map { $0 * strides[axis] }
        }
        var elementStrides = [Int](repeating: 1, count: sampleShape.count)
        for axis in sampleShape.indices.dropLast().reversed() { elementStrides[axis] = elementStrides[axis + 1] * sampleShape[axis + 1] }
        // Every corner and every position within a window, as coordinates per axis.
        var corners: [[Int]] = [[]], offsets: [[Int]] = [[]]
        for axis in sampleShape.indices {
            corners = corners.flatMap { prefix in starts[axis].map { prefix + [$0] } }
            offsets = offsets.flatMap { prefix in (0..<window[axis]).map { prefix + [$0] } }
        }
        // A window cut off at the end of an axis keeps only the positions that stay inside.
        return corners.map { corner in
            offsets.compactMap { offset -> Int? in
                var index = 0
                for axis in sampleShape.indices {
                    let coordinate = corner[axis] + offset[axis]
                    guard coordinate < sampleShape[axis] else { return nil }
                    index += coordinate * elementStrides[axis]
                }
                return index
            }
        }
    }
}
