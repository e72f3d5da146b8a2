import Foundation
import NeuriteCheckpoint
import NeuriteCore
import NeuriteNN
import Testing

/// The golden values PyTorch computed for convolution, pooling and friends
/// (`Fixtures/conv_text_golden.py` writes them): one safetensors file per family and `index.json`
/// with each case's constructor settings and tolerances.
struct ConvTextFixtures: @unchecked Sendable {
    static let shared = ConvTextFixtures()

    let directory: URL
    let cases: [String: [String: Any]]

    init() {
        directory = Bundle.module.url(forResource: "conv_text", withExtension: nil)!
        let index = try! JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("index.json"))) as! [String: Any]
        cases = index["cases"] as! [String: [String: Any]]
    }

    /// The ids of a family's cases (`conv2d/k3`, …), sorted.
    func caseIDs(family: String) -> [String] { cases.keys.filter { $0.hasPrefix("\(family)/") }.sorted() }

    /// One case: its settings and tensors.
    func load(_ id: String) throws -> Case {
        let family = String(id.split(separator: "/")[0])
        let entry = cases[id]!
        // Tensor keys start with the case's name (`k3/input`), or a short name (`net/input`).
        let name = (entry["tensors"] as! [String: Any]).keys.first!.split(separator: "/")[0]
        var tensors: [String: Tensor] = [:]
        let files = Set([family] + ((entry["tensors"] as? [String: [String: Any]])?.values.compactMap { $0["file"] as? String } ?? []))
        for file in files {
            let path = directory.appendingPathComponent(file.hasSuffix(".safetensors") ? file : "\(file).safetensors").path
            for (key, tensor) in try SafeTensors.read(path).tensors where key.hasPrefix("\(name)/") {
                tensors[String(key.dropFirst(name.count + 1))] = tensor
            }
        }
        return Case(id: id, entry: entry, tensors: tensors)
    }

    struct Case {
        let id: String
        let entry: [String: Any]
        let tensors: [String: Tensor]

        var resolved: [String: Any] { entry["resolved"] as! [String: Any] }
        subscript(_ key: String) -> Tensor { tensors[key]! }

        /// The suggested absolute tolerance of a computed tensor (1e-5 × its largest magnitude for
        /// float64 references), never below `floor`.
        func tolerance(_ key: String, floor: Float = 1e-6) -> Float {
            let tensors = entry["tensors"] as? [String: [String: Any]]
            let info = tensors?.first { $0.key.split(separator: "/", maxSplits: 1).last.map(String.init) == key }?.value
            return max(Float((info?["atol"] as? Double) ?? 1e-5), floor)
        }

        /// A setting as one value per spatial axis (PyTorch stores a number or a tuple).
        func axisValues(_ key: String) -> AxisValues {
            if let single = resolved[key] as? Int { return AxisValues([single]) }
            return AxisValues(resolved[key] as! [Int])
        }
    }
}
