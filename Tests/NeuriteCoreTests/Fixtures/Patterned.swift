import NeuriteCore

/// The inputs of the NumPy fixtures (see make_numpy_fixtures.py): element i is
/// ((i·k + 3) mod 17 − 8) / 4, exact in `Float`.
func patterned(_ shape: [Int], _ k: Int) -> Tensor {
    let count = shape.reduce(1, *)
    return Tensor((0..<count).map { Float(($0 * k + 3) % 17 - 8) / 4 }, shape: shape)
}

/// `patterned` shifted to be positive (for denominators).
func positive(_ shape: [Int], _ k: Int) -> Tensor { patterned(shape, k) + 2.125 }

/// The NumPy result stored under `name`, as a tensor.
func numpy(_ name: String) -> Tensor {
    guard let entry = NumpyFixtures.values[name] else { fatalError("no NumPy fixture named \(name)") }
    return Tensor(entry.values, shape: entry.shape)
}
