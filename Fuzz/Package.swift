// swift-tools-version: 6.2
// Coverage-guided fuzzing of Neurite's file readers with libFuzzer. Kept out of the main package
// so that its build flags (-sanitize=fuzzer) never reach a user's build. See Fuzz/README.md.
import PackageDescription

let package = Package(
    name: "NeuriteFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Neurite", path: "..")],
    targets: [
        .executableTarget(
            name: "neurite-fuzz", dependencies: [.product(name: "Neurite", package: "Neurite")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    ])
