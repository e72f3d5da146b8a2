import NeuriteCore

/// A convolutional text classifier (Kim, "Convolutional Neural Networks for Sentence
/// Classification", 2014, with one kernel width): word embeddings, a 1-D convolution over the
/// sequence, ReLU, the maximum over time, and one linear layer.
///
/// `Embedding(idCount, dimension, paddingIndex: 0, sparse: true)` → `Transpose(1, 2)` →
/// `Conv1D(dimension, filters, kernelSize, padding: .same)` → `ReLU` → `AdaptiveMaxPool1D(1)` →
/// `Flatten` → `Dense(filters, classes)`. Inputs: `[batch, length]` word ids padded with 0 (what
/// `TextDataset` gives for an encoder without n-grams: the order of the ids is the text's).
/// Padding positions take part in the maximum as zero embeddings, as in Kim's padded batches.
public func textConvolutionalClassifier(
    idCount: Int, dimension: Int = 64, filters: Int = 128, kernelSize: Int = 3, classes: Int, generator: inout PhiloxGenerator
) -> Sequential {
    Sequential {
        Embedding(idCount, dimension, paddingIndex: 0, sparse: true, generator: &generator)
        Transpose(1, 2)
        Conv1D(dimension, filters, kernelSize: AxisValues([kernelSize]), padding: .same, generator: &generator)
        ReLU()
        AdaptiveMaxPool1D(outputSize: 1)
        Flatten()
        Dense(filters, classes, generator: &generator)
    }
}
