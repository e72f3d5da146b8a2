// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Neurite",
    products: [
        .library(name: "Neurite", targets: ["Neurite"]),
        .executable(name: "xor", targets: ["xor"]),
    ],
    targets: [
        // Layering (Documentation/Architecture.md): each target may import only those below it.
        .target(name: "NeuriteKernels"),
        .target(name: "NeuriteCore", dependencies: ["NeuriteKernels"]),
        .target(name: "Neurite", dependencies: ["NeuriteCore"]),

        .executableTarget(name: "xor", dependencies: ["Neurite"], path: "Examples/xor"),

        .target(name: "_NeuriteTestSupport", dependencies: ["NeuriteCore"], path: "Tests/_NeuriteTestSupport"),
        .testTarget(name: "NeuriteKernelsTests", dependencies: ["NeuriteKernels"]),
        .testTarget(
            name: "NeuriteCoreTests", dependencies: ["NeuriteCore", "_NeuriteTestSupport"],
            exclude: ["Fixtures/make_numpy_fixtures.py"]),
        .testTarget(name: "ExamplesTests", dependencies: ["xor"]),
    ],
    swiftLanguageModes: [.v6]
)
