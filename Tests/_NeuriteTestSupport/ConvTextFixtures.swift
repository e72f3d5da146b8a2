import Foundation
import NeuriteCheckpoint
import NeuriteCore
import Testing

/// The golden values PyTorch computed for convolution, pooling and friends
/// (`Fixtures/conv_text_golden.py` writes them): one safetensors file per family and `index.json`
/// with each case's constructor settings and tolerances.
public struct ConvTextFixtures: @unchecked Sendable {
    public static let shared = ConvTextFixtures()

    public let directory: URL
    public let cases: [String: [String: Any]]

    private init() {
        directory = Bundle.module.url(forResource: "conv_text", withExtension: nil)!
        let index = try! JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("index.json"))) as! [String: Any]
        cases = index["cases"] as! [String: [String: Any]]
    }

    /// The ids of a family's cases (`conv2d/k3`, …), sorted.
    public func caseIDs(family: String) -> [String] { cases.keys.filter { $0.hasPrefix("\(family)/") }.sorted() }

    /// One case: its settings and tensors.
    public func load(_ id: String) throws -> Case {
        let entry = cases[id]!
        // The case's files hold its tensors under keys such as `k3/input` or `net/input`; the
        // case lists them. They are stored here without that first part (`input`).
        let wanted = Set((entry["tensors"] as! [String: Any]).keys)
        var tensors: [String: Tensor] = [:]
        for file in entry["files"] as! [String] {
            for (key, tensor) in try SafeTensors.read(directory.appendingPathComponent(file).path).tensors where wanted.contains(key) {
                tensors[String(key.split(separator: "/", maxSplits: 1)[1])] = tensor
            }
        }
        return Case(id: id, entry: entry, tensors: tensors)
    }

    public struct Case {
        public let id: String
        public let entry: [String: Any]
        public let tensors: [String: Tensor]

        public var resolved: [String: Any] { entry["resolved"] as! [String: Any] }
        public subscript(_ key: String) -> Tensor { tensors[key]! }

        /// The suggested absolute tolerance of a computed tensor (1e-5 × its largest magnitude for
        /// float64 references), never below `floor`.
        public func tolerance(_ key: String, floor: Float = 1e-6) -> Float {
            let tensors = entry["tensors"] as? [String: [String: Any]]
            let info = tensors?.first { $0.key.split(separator: "/", maxSplits: 1).last.map(String.init) == key }?.value
            return max(Float((info?["atol"] as? Double) ?? 1e-5), floor)
        }

        /// A setting as a list, one value per spatial axis or a single one (PyTorch stores a
        /// number or a tuple).
        public func axisValues(_ key: String) -> [Int] {
            if let single = resolved[key] as? Int { return [single] }
            return resolved[key] as! [Int]
        }
    }
}
