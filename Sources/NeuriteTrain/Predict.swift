import NeuriteCore
import NeuriteNN

extension Module {
    /// The model's outputs for `inputs` `[N, …]` (Keras's `model.predict`, PyTorch's `model.eval()`
    /// plus `torch.no_grad()`): in evaluation mode (dropout off, batch norm on its running
    /// statistics), without gradients, `batchSize` samples at a time, concatenated along axis 0.
    /// The module's mode is restored afterwards.
    public func predict(_ inputs: Tensor, batchSize: Int = Evaluation.batchSize) -> Tensor {
        precondition(inputs.rank >= 1, "predict: inputs must have a batch axis, got shape \(inputs.shape)")
        precondition(batchSize > 0, "predict: batch size \(batchSize) must be positive")
        let wasTraining = isTraining
        eval()
        defer { train(wasTraining) }
        return withoutGradients {
            let count = inputs.shape[0]
            guard count > batchSize else { return self(inputs.detached()) }
            let parts = stride(from: 0, to: count, by: batchSize).map { start in
                self(inputs.detached().slice(axis: 0, start..<min(start + batchSize, count)))
            }
            return Tensor.concatenate(parts)
        }
    }
}
