// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Neurite",
    // Synchronization's Atomic (the thread-count setting) needs these on Apple platforms.
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],
    products: [
        .library(name: "Neurite", targets: ["Neurite"]),
        .executable(name: "neurite", targets: ["neurite"]),
        .executable(name: "xor", targets: ["xor"]),
    ],
    traits: [
        .trait(name: "MPI", description: "Data-parallel training over Open MPI (needs libopenmpi-dev; `swift build --traits MPI`)")
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // Layering (Documentation/Architecture.md): each target may import only those below it.
        .target(name: "CNeuriteSIMD"),
        .target(name: "NeuriteKernels", dependencies: ["CNeuriteSIMD"]),
        .target(name: "NeuriteCore", dependencies: ["NeuriteKernels"]),
        .target(name: "NeuriteNN", dependencies: ["NeuriteCore", "NeuriteKernels"]),
        .target(name: "NeuriteOptimizers", dependencies: ["NeuriteCore", "NeuriteNN", "NeuriteKernels"]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CLibPNG", path: "Sources/CLibPNG"),
        .target(name: "NeuritePlot", dependencies: ["NeuriteCore", "CLibPNG"]),
        .target(name: "NeuriteData", dependencies: ["NeuriteCore", "NeuriteKernels", "CZlib"], resources: [.copy("Resources/digits.csv.gz")]),
        .target(name: "NeuriteTrain", dependencies: ["NeuriteCore", "NeuriteNN", "NeuriteOptimizers", "NeuriteData", "NeuriteCheckpoint"]),
        .target(name: "NeuriteCheckpoint", dependencies: ["NeuriteCore", "NeuriteNN", "NeuriteOptimizers"]),
        .target(name: "NeuriteInterpret", dependencies: ["NeuriteCore", "NeuriteNN", "NeuriteData", "NeuritePlot"]),
        .target(name: "_NeuriteProtobuf"),
        .target(
            name: "NeuriteTensorBoard", dependencies: ["NeuriteCore", "NeuriteNN", "NeuriteData", "NeuriteTrain", "NeuritePlot", "_NeuriteProtobuf"]),
        .target(name: "NeuriteONNX", dependencies: ["NeuriteCore", "NeuriteNN", "_NeuriteProtobuf"]),
        // Open MPI only with the MPI trait: a plain build needs nothing installed.
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(
            name: "NeuriteDistributed",
            dependencies: ["NeuriteCore", "NeuriteNN", "NeuriteTrain", .target(name: "CMPI", condition: .when(traits: ["MPI"]))],
            swiftSettings: [.define("MPI", .when(traits: ["MPI"]))]),
        .target(
            name: "Neurite",
            dependencies: [
                "NeuriteCore", "NeuriteNN", "NeuriteOptimizers", "NeuriteData", "NeuriteTrain", "NeuriteCheckpoint", "NeuritePlot",
                "NeuriteInterpret", "NeuriteTensorBoard", "NeuriteONNX", "NeuriteDistributed",
            ]),

        .executableTarget(
            name: "neurite", dependencies: ["Neurite", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: [.define("MPI", .when(traits: ["MPI"]))]),
        .executableTarget(name: "xor", dependencies: ["Neurite"], path: "Examples/xor"),
        .executableTarget(name: "spirals", dependencies: ["Neurite"], path: "Examples/spirals"),
        .executableTarget(name: "approximation", dependencies: ["Neurite"], path: "Examples/approximation"),
        .executableTarget(name: "gradients", dependencies: ["Neurite"], path: "Examples/gradients"),
        .executableTarget(name: "csv-regression", dependencies: ["Neurite"], path: "Examples/csv-regression"),
        .executableTarget(name: "custom-layer", dependencies: ["Neurite"], path: "Examples/custom-layer"),
        .executableTarget(name: "fine-tuning", dependencies: ["Neurite"], path: "Examples/fine-tuning"),
        .executableTarget(name: "doc-snippets", dependencies: ["Neurite"], path: "Examples/doc-snippets"),
        .executableTarget(name: "train-check", dependencies: ["Neurite"], path: "Examples/train-check"),
        .executableTarget(name: "neurite-bench", dependencies: ["Neurite", "NeuriteKernels"], path: "Benchmarks/neurite-bench"),

        .target(
            name: "_NeuriteTestSupport", dependencies: ["NeuriteCore", "NeuriteCheckpoint"], path: "Tests/_NeuriteTestSupport",
            exclude: ["Fixtures/conv_text_golden.py"], resources: [.copy("Fixtures/conv_text")]),
        .testTarget(name: "NeuriteKernelsTests", dependencies: ["NeuriteKernels"]),
        .testTarget(
            name: "NeuriteCoreTests", dependencies: ["NeuriteCore", "_NeuriteTestSupport"],
            exclude: ["Fixtures/make_numpy_fixtures.py"]),
        .testTarget(name: "NeuriteNNTests", dependencies: ["NeuriteNN", "NeuriteCheckpoint", "_NeuriteTestSupport"]),
        .testTarget(name: "NeuriteOptimizersTests", dependencies: ["NeuriteOptimizers", "_NeuriteTestSupport"]),
        .testTarget(name: "NeuriteDataTests", dependencies: ["NeuriteData", "NeuriteKernels", "CZlib", "_NeuriteTestSupport"]),
        .testTarget(
            name: "NeuriteTrainTests", dependencies: ["NeuriteTrain", "NeuriteCheckpoint", "_NeuriteTestSupport"],
            resources: [.copy("Fixtures/legacy_checkpoint_v1.safetensors")]),
        .testTarget(
            name: "NeuriteCheckpointTests", dependencies: ["NeuriteCheckpoint", "_NeuriteTestSupport"],
            exclude: ["Fixtures/make_fixtures.py", "Fixtures/check_reference_reads.py", "Fixtures/README.md"],
            resources: [
                .copy("Fixtures/torch_layout.safetensors"), .copy("Fixtures/tiny.safetensors"), .copy("Fixtures/demo.safetensors"),
                .copy("Fixtures/legacy_model_v1.safetensors"),
            ]),
        .testTarget(name: "NeuritePlotTests", dependencies: ["NeuritePlot"]),
        .testTarget(name: "NeuriteInterpretTests", dependencies: ["NeuriteInterpret", "NeuriteTrain", "_NeuriteTestSupport"]),
        .testTarget(
            name: "NeuriteTensorBoardTests", dependencies: ["NeuriteTensorBoard", "NeuriteTrain", "_NeuriteProtobuf"],
            exclude: ["Fixtures/check_event_file.py"]),
        .testTarget(
            name: "NeuriteONNXTests", dependencies: ["NeuriteONNX", "NeuriteNN"],
            exclude: [
                "Fixtures/check_onnx_export.py", "Fixtures/check_onnx_import.py", "Fixtures/make_torch_fixtures.py", "Fixtures/many-layers.json",
            ],
            resources: [
                .copy("Fixtures/torch_mlp.onnx"), .copy("Fixtures/torch_cnn.onnx"), .copy("Fixtures/torch_resnet.onnx"),
                .copy("Fixtures/torch_view.onnx"), .copy("Fixtures/torch_transformerish.onnx"),
            ]),
        .testTarget(name: "NeuriteTests", dependencies: ["Neurite"]),
        .testTarget(
            name: "NeuriteDistributedTests", dependencies: ["NeuriteDistributed", "NeuriteTrain", "NeuriteNN", "NeuriteOptimizers"],
            exclude: ["Fixtures/compare_models.py"]),
        .testTarget(
            name: "ExamplesTests",
            dependencies: [
                "xor", "neurite", "spirals", "approximation", "gradients", "doc-snippets", "csv-regression", "custom-layer", "fine-tuning",
                "NeuritePlot",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
