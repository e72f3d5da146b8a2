import Foundation
import Neurite

/// libFuzzer's entry point: one input, given to the reader `NEURITE_FUZZ_TARGET` names
/// (safetensors, model, description, idx, npy, csv, png, text, onnx). A reader may throw — that is the
/// point — but must never crash, hang or allocate past the limits.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTarget.current.run(bytes)
    return 0
}

enum FuzzTarget: String, CaseIterable {
    case safetensors, model, description, idx, npy, csv, png, text, onnx

    static let current: FuzzTarget = {
        // Descriptions and headers may ask for big tensors; stay far below libFuzzer's memory limit.
        SizeLimit.maximumElements = 1 << 22
        let name = ProcessInfo.processInfo.environment["NEURITE_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(
                Data("set NEURITE_FUZZ_TARGET to one of \(allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
            exit(2)
        }
        return target
    }()

    /// A scratch file for the readers that take a path.
    private static let scratch = FileManager.default.temporaryDirectory
        .appendingPathComponent("neurite-fuzz-\(ProcessInfo.processInfo.processIdentifier)").path

    func run(_ bytes: [UInt8]) {
        switch self {
        case .safetensors:
            _ = try? SafeTensors.parse(bytes, file: "input")
        case .model:
            guard write(bytes) else { return }
            _ = try? ModelFile.read(Self.scratch)
        case .description:
            guard let description = try? JSONDecoder().decode(LayerDescription.self, from: Data(bytes)) else { return }
            var generator = PhiloxGenerator(seed: 0)
            guard let model = try? LayerRegistry.build(description, generator: &generator) else { return }
            if let sequential = model as? Sequential { try? sequential.checkLayersChain() }
            // Vectors, images and sequences. Where the layers accept the shape and the model is
            // small, the forward pass must run and give the shape they inferred: a layer whose
            // shape check passes an input its forward pass then traps on is a crash found here.
            let small = model.parameters.reduce(0) { $0 + $1.value.scalarCount } <= 1 << 16
            for shape in [[1, 8], [2, 1, 8, 8], [2, 3, 8]] {
                guard let inferred = try? model.checkedOutputShape(forInput: shape), small else { continue }
                let output = withoutGradients { model(Tensor.zeros(shape)) }
                if output.shape != inferred {
                    fatalError("\(model.typeName): inferred \(inferred) for input \(shape), the forward pass gave \(output.shape)")
                }
            }
        case .idx:
            _ = try? IDXReader.parse(bytes, file: "input")
        case .npy:
            _ = try? NPYReader.parse(bytes, file: "input")
        case .csv:
            for header in [CSVHeader.automatic, .present, .absent] {
                _ = try? CSVReader.parse(bytes, file: "input", header: header)
            }
        case .png:
            guard write(bytes) else { return }
            _ = try? PNGReader.readGrayscale(Self.scratch)
        case .onnx:
            // Parsing runs one sample through a graph whose input shape is known; for the rest,
            // a few shapes through the checked evaluation. Errors, never a trap.
            guard let (graph, sampleShape) = try? ONNXImporter.parse(bytes), sampleShape == nil,
                graph.parameters.reduce(0, { $0 + $1.value.scalarCount }) <= 1 << 16
            else { return }
            for shape in [[1, 4], [2, 1, 8, 8], [2, 3, 8]] { _ = try? withoutGradients { try graph.evaluate(Tensor.zeros(shape)) } }
        case .text:
            // The same bytes as a TSV and as a CSV file; whatever reads, the tokenizer and the
            // encoder take (any Unicode, any length).
            let encoder = TextEncoder(
                tokenizer: Tokenizer(wordNgrams: 2, characterNgrams: 1...4), vocabulary: Vocabulary(tokens: ["a", "the"]), buckets: 97,
                maximumLength: 512)
            for suffix in [".tsv", ".csv"] {
                let path = Self.scratch + suffix
                guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { continue }
                for example in (try? TextFileReader.read(path)) ?? [] {
                    let ids = encoder.encode(example.text)
                    if ids.contains(where: { !(0..<encoder.idCount).contains($0) }) { fatalError("an id outside the table: \(ids)") }
                    if ids.count != encoder.tokens(example.text).count { fatalError("ids and tokens differ in count") }
                }
            }
        }
    }

    private func write(_ bytes: [UInt8]) -> Bool {
        FileManager.default.createFile(atPath: Self.scratch, contents: Data(bytes))
    }
}

/// libFuzzer's driver, called from the entry point below with the command line.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The executable's entry point (SwiftPM links `main` to `<module>_main`): hands over to libFuzzer.
@_cdecl("neurite_fuzz_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, fuzzOneInput)
}
