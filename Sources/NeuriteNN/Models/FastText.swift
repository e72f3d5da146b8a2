import NeuriteCore

/// fastText's text classifier (Joulin et al., "Bag of Tricks for Efficient Text Classification",
/// 2016): the mean of the embeddings of a text's ids (words and hashed n-grams; `TextEncoder`
/// makes them) followed by one linear layer.
///
/// `EmbeddingBag(idCount, dimension, mode: .mean, paddingIndex: 0, sparse: true)` with rows drawn
/// from U(−1/d, 1/d) as fastText draws them (PyTorch's N(0, 1) is far too large here: the mean of
/// a few hundred such rows swamps the classifier at the start), then `Dense(dimension, classes)`
/// with PyTorch's initialisation. Inputs: `[batch, length]` ids padded with 0 (what `TextDataset`
/// gives); outputs: `[batch, classes]` logits.
public func fastTextClassifier(idCount: Int, dimension: Int = 64, classes: Int, generator: inout PhiloxGenerator) -> Sequential {
    let bound = 1 / Float(dimension)
    return Sequential {
        EmbeddingBag(
            idCount, dimension, mode: .mean, paddingIndex: 0, sparse: true, initializer: .uniform(low: -bound, high: bound),
            generator: &generator)
        Dense(dimension, classes, generator: &generator)
    }
}
