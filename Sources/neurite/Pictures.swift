import Neurite

/// The pictures `neurite train` writes next to the model.
enum Pictures {
    /// `test`: the test images, for the samples and first-layer pictures (nil for texts);
    /// `classNames`: the classes' names for the labels, where the data set has them.
    /// Returns the pictures written, by file name.
    @discardableResult
    static func write(
        history: History, model: Sequential, test: TensorDataset?, evaluation: Evaluation, classNames: [String]?, to directory: String
    ) throws -> [(file: String, picture: Canvas)] {
        var pictures: [(file: String, picture: Canvas)] = []
        func save(_ picture: Canvas, _ file: String) throws {
            try picture.writePNG(to: "\(directory)/\(file)")
            pictures.append((file, picture))
        }
        let epochs = history.epochs
        try save(
            Charts.learningCurves(
                loss: epochs.map(\.loss), validationLoss: epochs.map(\.validationLoss), accuracy: epochs.map(\.accuracy),
                validationAccuracy: epochs.map(\.validationAccuracy), learningRate: epochs.map { Double($0.learningRate) }), "learning-curves.png")
        if let confusion = evaluation.confusion {
            let labels = classNames?.count == confusion.count ? classNames : nil
            try save(Charts.confusionMatrix(confusion, labels: labels), "confusion-matrix.png")
        }
        // Test samples with predicted (P) and true (T) labels; mistakes framed in red.
        guard let test else { return pictures }
        let shown = min(32, test.count)
        guard shown > 0, test.inputs.rank == 4, test.inputs.shape[1] == 1 else { return pictures }
        let images = test.inputs[0..<shown]
        let predicted = withoutGradients { model(images).argmax(axis: 1).scalars }
        let truth = test.targets.scalars.prefix(shown)
        func name(_ label: Float) -> String {
            guard let classNames, classNames.indices.contains(Int(label)) else { return "\(Int(label))" }
            return classNames[Int(label)]
        }
        // Names where the data set has them: the prediction, and the truth where it differs (each
        // cut to 7 characters then, to fit under the image).
        let captions = zip(predicted, truth).map {
            classNames == nil ? "P\(Int($0)) T\(Int($1))" : $0 == $1 ? name($0) : "\(name($0).prefix(7))/\(name($1).prefix(7))"
        }
        let wrong = Set(zip(predicted, truth).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset))
        try save(Charts.imageGrid(images, captions: captions, highlighted: wrong), "samples.png")
        // What the first layer looks for: a convolution's filters, or a dense layer's weights as
        // images (red positive, blue negative).
        if let convolution = model.layers.first(where: { $0 is Conv2D || $0 is Dense }) as? Conv2D {
            try save(ExplanationPicture.filters(convolution), "first-layer-weights.png")
            return pictures
        }
        guard let first = model.layers.first(where: { $0 is Dense }) as? Dense else { return pictures }
        let (height, width) = (test.inputs.shape[2], test.inputs.shape[3])
        guard first.inFeatures == height * width else { return pictures }
        try save(ExplanationPicture.firstLayerWeights(first, height: height, width: width), "first-layer-weights.png")
        return pictures
    }
}
