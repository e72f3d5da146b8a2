import Foundation

/// The battery's cases, by class of mistake. Each names the arguments, the exit status (64 for a
/// usage mistake the parser or an option check catches, 1 for a bad file, data set or run) and
/// text the one line of standard error must contain.
extension BatteryFixtures {
    typealias Case = BadInputBatteryTests.Case

    var cases: [Case] {
        optionCases + modelFileCases + descriptionCases + labelCases + datasetCases + modelAgainstDataCases + inputCases
            + outputPathCases + runCases
    }

    private func usage(_ arguments: [String], _ expected: String) -> Case { Case(arguments: arguments, status: 64, expected: expected) }
    private func failure(_ arguments: [String], _ expected: String) -> Case { Case(arguments: arguments, status: 1, expected: expected) }

    /// Values out of range, not finite, not numbers, or overflowing, for every subcommand.
    var optionCases: [Case] {
        var number = 0
        /// Each case its own output directory: one that wrongly passes must not break the next.
        func out() -> [String] {
            number += 1
            return ["--output", path("never-option-\(number)")]
        }
        var cases: [Case] = []
        let train: [(String, String, String)] = [
            ("--epochs", "0", "--epochs"), ("--epochs", "-3", "--epochs"), ("--epochs", "\(Int.max)", "--epochs"),
            ("--epochs", "99999999999999999999", "--epochs"), ("--epochs", "ten", "--epochs"),
            ("--batch-size", "0", "--batch-size"), ("--batch-size", "\(Int.max)", "--batch-size"), ("--batch-size", "-1", "--batch-size"),
            ("--learning-rate", "0", "--learning-rate"), ("--learning-rate", "-0.1", "--learning-rate"),
            ("--learning-rate", "inf", "--learning-rate"), ("--learning-rate", "nan", "--learning-rate"),
            ("--learning-rate", "fast", "--learning-rate"),
            ("--weight-decay", "inf", "--weight-decay"), ("--weight-decay", "-1", "--weight-decay"), ("--weight-decay", "nan", "--weight-decay"),
            ("--momentum", "nan", "momentum"), ("--momentum", "-0.5", "momentum"), ("--momentum", "inf", "momentum"),
            ("--clip-norm", "-1", "--clip-norm"), ("--clip-norm", "0", "--clip-norm"), ("--clip-norm", "nan", "--clip-norm"),
            ("--clip-norm", "inf", "--clip-norm"),
            ("--early-stopping=-1", "", "--early-stopping"), ("--early-stopping", "\(Int.max)", "--early-stopping"),
            ("--dropout", "1", "--dropout"), ("--dropout", "-0.1", "--dropout"), ("--dropout", "nan", "--dropout"),
            ("--validation-split", "1", "--validation-split"), ("--validation-split", "-0.5", "--validation-split"),
            ("--validation-split", "nan", "--validation-split"),
            ("--threads", "0", "--threads"), ("--threads", "\(Int.max)", "--threads"),
            ("--residual-blocks", "-1", "--residual-blocks"), ("--residual-blocks", "\(Int.max)", "--residual-blocks"),
            ("--hidden", "0", "--hidden"), ("--hidden", "-5", "--hidden"), ("--hidden", "16,,8", "--hidden"), ("--hidden", "abc", "--hidden"),
            ("--activation", "swish2", "--activation"), ("--optimizer", "lbfgs", "--optimizer"), ("--initializer", "magic", "--initializer"),
            ("--schedule", "step:0", "--schedule"), ("--schedule", "step:-2", "--schedule"), ("--schedule", "wavy", "--schedule"),
            ("--augment", "flip,twirl", "--augment"), ("--seed", "-1", "--seed"), ("--dataset", "cifar", "--dataset"),
            ("--dataset", "csv:", "--dataset"), ("--dataset", "npy:x.npy", "--dataset"),
        ]
        for (option, value, expected) in train {
            // `option=value`: a negative value after a space reads as an option of its own.
            cases.append(usage(["train", value.isEmpty ? option : "\(option)=\(value)"] + out(), expected))
        }
        cases.append(usage(["train", "--resume", "--overwrite"] + out(), "--resume and --overwrite"))
        cases.append(usage(["train", "--unknown-option"] + out(), "--unknown-option"))
        cases.append(usage(["train", "--hidden", Array(repeating: "4", count: 1001).joined(separator: ",")] + out(), "--hidden"))
        cases.append(usage(["frobnicate"], "frobnicate"))

        let model = ["--model", self.model]
        let explain: [([String], String)] = [
            (["--steps", "0"], "--steps"), (["--steps", "\(Int.max)"], "--steps"), (["--samples", "0"], "--samples"),
            (["--samples", "\(Int.max)"], "--samples"), (["--index=-1"], "--index"), (["--noise", "nan"], "--noise"),
            (["--noise=-1"], "--noise"), (["--window", "0"], "--window"), (["--window", "\(Int.max)"], "--window"),
            (["--stride", "0"], "--stride"), (["--top", "0"], "--top"), (["--method", "shap"], "--method"),
            (["--baseline", "blue"], "--baseline"), (["--integration", "simpson"], "--integration"),
            (["--output", path("explained.jpg")], "--output"),
        ]
        for (arguments, expected) in explain { cases.append(usage(["explain"] + model + arguments, expected)) }
        let activations: [([String], String)] = [
            (["--count", "0"], "--count"), (["--count", "\(Int.max)"], "--count"), (["--layer", "1"], "--layer goes with --unit or --index"),
            (["--layer", "1", "--unit", "0", "--index", "0"], "--unit and --index"),
            (["--layer", "1", "--index", "-1"], "--index"),
            (["--layer", "1", "--unit=-1"], "--unit"), (["--output", path("top.txt")], "--output"),
        ]
        for (arguments, expected) in activations { cases.append(usage(["activations"] + model + arguments, expected)) }
        cases.append(usage(["summary"] + model + ["--input-shape", "0,8"], "--input-shape"))
        cases.append(usage(["summary"] + model + ["--input-shape=-1"], "--input-shape"))
        cases.append(usage(["predict"] + model + ["--input", path("x.npy"), "--output-kind", "odds"], "--output-kind"))
        cases.append(usage(["predict", "--input", path("x.npy")], "--model"))
        cases.append(usage(["evaluate"], "--model"))
        cases.append(usage(["export", "--model", self.model, "--output", path("model.txt")], "--output"))
        cases.append(usage(["export", "--output", path("model.onnx")], "--model"))
        cases.append(usage(["import", "--onnx", path("m.onnx"), "--description", path("mlp.json"), "--output", path("m.safetensors")], "--onnx"))
        cases.append(failure(["import", "--onnx", path("missing.onnx"), "--output", path("never-onnx.safetensors")], "missing.onnx"))
        cases.append(failure(["import", "--onnx", self.model, "--output", path("never-onnx.safetensors")], "not an ONNX model"))
        // A PyTorch export given an input shape it does not take: one line, no file.
        let torchMLP = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("NeuriteONNXTests/Fixtures/torch_mlp.onnx").path
        cases.append(
            failure(
                ["import", "--onnx", torchMLP, "--input-shape", "3", "--output", path("never-onnx.safetensors")], "does not run on --input-shape 3"))
        return cases
    }

    /// Model files that are not models, for every command that loads one.
    var modelFileCases: [Case] {
        let broken: [(String, String)] = [
            ("empty.safetensors", "empty.safetensors"), ("text.safetensors", "text.safetensors"),
            ("truncated.safetensors", "truncated.safetensors"), ("headless.safetensors", "headless.safetensors"),
            ("nan.safetensors", "NaN or infinite"), ("pickle.pt", "safetensors"), ("pickle2.pt", "safetensors"),
            ("a-directory.safetensors", "a-directory.safetensors"), ("missing.safetensors", "missing.safetensors"),
        ]
        var cases: [Case] = []
        for (name, expected) in broken {
            let model = ["--model", path(name)]
            cases.append(failure(["evaluate"] + model, expected))
            cases.append(failure(["predict"] + model + ["--input", path("x.npy")], expected))
            cases.append(failure(["summary"] + model, expected))
            cases.append(failure(["explain"] + model + ["--output", path("never.png")], expected))
            cases.append(failure(["activations"] + model + ["--output", path("never.png")], expected))
        }
        return cases
    }

    /// Architectures that do not hold together, for `train --model` and `import`.
    var descriptionCases: [Case] {
        let broken: [(String, String)] = [
            ("unchained.json", "17"), ("wrong-input.json", "65"), ("wrong-classes.json", "[1, 7]"), ("huge.json", "GiB"),
            ("overflow.json", "unchained.json"), ("zero-width.json", "zero-width.json"), ("unknown-layer.json", "Conv9D"),
            ("not-json.json", "not-json.json"), ("array.json", "array.json"), ("not-sequential.json", "Sequential"),
            ("softmax-axis.json", "axis 5"), ("residual-width.json", "residual-width.json"), ("layernorm-shape.json", "15"),
            ("batchnorm-width.json", "12"), ("missing-field.json", "out"), ("wrong-type.json", "in"), ("missing.json", "missing.json"),
            ("conv-output.json", "its output of [512, 200000, 8, 8] would need 24 GiB"),
            ("conv-unfold.json", "its unfolded input of [1960000, 512, 8, 8] would need 239 GiB"),
            ("conv-channels.json", "takes inputs [N, 3, H, W], got [512, 1, 8, 8]"), ("conv-kernel.json", "the kernel spans 9"),
        ]
        var cases: [Case] = []
        for (name, expected) in broken {
            let description = path(name)
            let expectedText = name == "overflow.json" ? "overflow.json" : expected
            cases.append(failure(["train", "--model", description, "--epochs", "1", "--output", path("never-\(name)")], expectedText))
            // The convolutional ones fail on the data; `import` has no data to check them against.
            if !["wrong-input.json", "wrong-classes.json"].contains(name) && !name.hasPrefix("conv-") {
                // A lone Dense layer is a model `import` accepts; the digits model's weights do not fit it.
                let importExpected = name == "not-sequential.json" ? "Missing key" : expectedText
                cases.append(
                    failure(
                        ["import", "--description", description, "--weights", model, "--output", path("never-\(name).safetensors")], importExpected))
            }
        }
        cases.append(failure(["train", "--hidden", "1000000000", "--epochs", "1", "--output", path("never-huge")], "GiB"))
        cases.append(
            failure(
                ["train", "--batch-norm", "--batch-size", "1", "--epochs", "1", "--output", path("never-bn-batch")],
                "--batch-size 1: the model has batch normalisation"))
        cases.append(
            failure(
                ["train", "--architecture", "resnet", "--batch-size", "1", "--epochs", "1", "--output", path("never-resnet-batch")],
                "batch normalisation"))
        cases.append(
            failure(
                ["train", "--architecture", "cnn", "--dataset", "csv:\(path("good.csv"))", "--epochs", "1", "--output", path("never-cnn-csv")],
                "--architecture cnn needs images"))
        cases.append(
            failure(
                ["import", "--description", path("mlp.json"), "--weights", model, "--output", path("never.safetensors"), "--input-shape", "1,9,9"],
                "[1, 9, 9]"))
        return cases
    }

    /// Labels that are not class indices, and data sets with too few classes or samples.
    var labelCases: [Case] {
        var cases: [Case] = []
        for name in ["inf", "huge", "billion", "negative", "fraction", "nan"] {
            let dataset = "csv:\(path("label-\(name).csv"))"
            cases.append(failure(["train", "--dataset", dataset, "--epochs", "1", "--output", path("never-\(name)")], "label-\(name).csv"))
            cases.append(failure(["evaluate", "--model", model, "--dataset", dataset], "label-\(name).csv"))
        }
        cases.append(failure(["train", "--dataset", "csv:\(path("one-class.csv"))", "--epochs", "1", "--output", path("never-one")], "class"))
        cases.append(
            failure(
                ["train", "--dataset", "npy:\(path("x.npy")),\(path("y-one-class.npy"))", "--epochs", "1", "--output", path("never-one2")],
                "class"))
        cases.append(
            failure(["train", "--dataset", "npy:\(path("x.npy")),\(path("y-inf.npy"))", "--epochs", "1", "--output", path("never-inf")], "y-inf.npy"))
        cases.append(failure(["train", "--dataset", "idx:\(path("idx-bad"))", "--epochs", "1", "--output", path("never-idx")], "idx-bad"))
        return cases
    }

    /// Data sets with no samples, broken rows or missing files.
    var datasetCases: [Case] {
        let train = ["train", "--epochs", "1", "--output", path("never-data")]
        let datasets: [(String, String)] = [
            ("csv:\(path("two-rows.csv"))", "two-rows.csv"), ("csv:\(path("empty.csv"))", "empty.csv"),
            ("csv:\(path("header-only.csv"))", "header-only.csv"), ("csv:\(path("ragged.csv"))", "ragged.csv"),
            ("csv:\(path("typo.csv"))", "typo.csv"), ("csv:\(path("missing.csv"))", "missing.csv"),
            ("npy:\(path("x.npy")),\(path("y-short.npy"))", "y-short.npy"), ("npy:\(path("x-empty.npy")),\(path("y.npy"))", "y.npy"),
            ("npy:\(path("x-scalar.npy")),\(path("y.npy"))", "y.npy"), ("npy:\(path("truncated.npy")),\(path("y.npy"))", "truncated.npy"),
            ("idx:\(path("idx-empty"))", "idx-empty"), ("idx:\(path("missing-dir"))", "missing-dir"),
        ]
        var cases: [Case] = []
        for (dataset, expected) in datasets {
            cases.append(failure(train + ["--dataset", dataset], expected))
            cases.append(failure(["evaluate", "--model", model, "--dataset", dataset], expected))
        }
        cases.append(failure(train + ["--validation-split", "0.9999"], "--validation-split"))
        return cases
    }

    /// A good model against data it was not made for.
    var modelAgainstDataCases: [Case] {
        let wide = "csv:\(path("wide.csv"))"
        return [
            failure(["evaluate", "--model", model, "--dataset", wide], "65"),
            failure(["explain", "--model", model, "--dataset", wide, "--output", path("never.png")], "65"),
            failure(["activations", "--model", model, "--dataset", wide, "--output", path("never.png")], "65"),
            failure(["explain", "--model", model, "--index", "100000", "--output", path("never.png")], "--index"),
            failure(["explain", "--model", model, "--target", "10", "--output", path("never.png")], "--target"),
            failure(["explain", "--model", model, "--target=-1", "--output", path("never.png")], "--target"),
            failure(["activations", "--model", model, "--layer", "nine", "--unit", "0", "--output", path("never.png")], "nine"),
            failure(["activations", "--model", model, "--layer", "1", "--unit", "100000", "--output", path("never.png")], "100000"),
            failure(["summary", "--model", model, "--input-shape", "9,9"], "--input-shape 9,9"),
            failure(["summary", "--model", model, "--input-shape", "100000,100000,100000"], "100000"),
        ]
    }

    /// Inputs for `predict` and `explain --image` that do not fit the model.
    var inputCases: [Case] {
        let predict = ["predict", "--model", model, "--input"]
        return [
            failure(predict + [path("inputs-63.csv")], "63"), failure(predict + [path("inputs-bad-cell.csv")], "inputs-bad-cell.csv"),
            failure(predict + [path("inputs-empty.csv")], "inputs-empty.csv"), failure(predict + [path("inputs.txt")], "inputs.txt"),
            failure(predict + [path("x-wrong.npy")], "10"), failure(predict + [path("x-empty.npy")], "x-empty.npy"),
            failure(predict + [path("truncated.npy")], "truncated.npy"), failure(predict + [path("wrong-size.png")], "wrong-size.png"),
            failure(predict + [path("broken.png")], "broken.png"), failure(predict + [path("missing.npy")], "missing.npy"),
            failure(["explain", "--model", model, "--image", path("wrong-size.png"), "--output", path("never.png")], "wrong-size.png"),
            failure(["explain", "--model", model, "--image", path("broken.png"), "--output", path("never.png")], "broken.png"),
        ]
    }

    /// Places that cannot be written.
    var outputPathCases: [Case] {
        [
            failure(["train", "--epochs", "1", "--output", path("a-file")], "a-file"),
            failure(["train", "--epochs", "1", "--output", path("a-file/run")], "a-file"),
            failure(["train", "--epochs", "1", "--output", path("never-board"), "--tensorboard", path("a-file/board")], "a-file"),
            usage(["train", "--epochs", "1", "--output", path("never-board"), "--tensorboard-steps=-1"], "--tensorboard-steps"),
            failure(["predict", "--model", model, "--input", path("x.npy"), "--output", path("a-file/p.csv")], "a-file"),
            usage(["predict", "--model", model, "--input", path("x.npy"), "--output", path("p.json")], "p.json"),
            failure(["explain", "--model", model, "--output", path("a-file/e.png")], "a-file"),
            failure(["activations", "--model", model, "--layer", "1", "--unit", "0", "--output", path("a-file/t.png")], "a-file"),
            failure(["import", "--description", path("mlp.json"), "--weights", model, "--output", path("a-file/m.safetensors")], "a-file"),
            failure(
                ["import", "--description", path("mlp.json"), "--weights", path("missing.safetensors"), "--output", path("m.safetensors")], "missing"),
            failure(["import", "--description", path("mlp.json"), "--weights", path("pickle.pt"), "--output", path("m.safetensors")], "safetensors"),
        ]
    }

    /// Runs over runs: a fresh run over the good one, a mismatched resume, a corrupt checkpoint, and
    /// a run that diverges.
    var runCases: [Case] {
        [
            failure(["train", "--epochs", "1", "--output", good], "--overwrite"),
            failure(["train", "--epochs", "1", "--hidden", "32", "--output", good], "--overwrite"),
            failure(["train", "--epochs", "2", "--output", good, "--resume", "--optimizer", "sgd"], "SGD"),
            failure(["train", "--epochs", "2", "--output", good, "--resume", "--hidden", "32"], "checkpoint"),
            failure(["train", "--epochs", "2", "--output", path("corrupt-run"), "--resume"], "checkpoint.safetensors"),
            failure(["train", "--epochs", "2", "--output", path("corrupt-run")], "--overwrite"),
            failure(["train", "--epochs", "1", "--learning-rate", "1e30", "--output", copy, "--overwrite"], "diverged"),
            failure(["train", "--epochs", "1", "--learning-rate", "1e30", "--optimizer", "sgd", "--output", copy, "--overwrite"], "diverged"),
        ]
    }
}
