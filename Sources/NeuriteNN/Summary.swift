import NeuriteCore

extension Module {
    /// A table in the style of Keras's `model.summary()`: each leaf layer's name and type, its
    /// output shape for inputs of `[batch] + inputShape` (the batch shown as `None`), and its
    /// parameter count, then the totals (trainable and frozen) with their size in float32.
    ///
    /// The model runs once on zeros, in evaluation mode and without gradients; its mode is
    /// restored. Unlike Keras, BatchNorm's running statistics are buffers, not counted as
    /// parameters (as in PyTorch).
    public func summary(inputShape: [Int], title: String? = nil) -> String {
        let wasTraining = isTraining
        eval()
        defer { train(wasTraining) }
        let observation = ModuleObservation()
        _ = observation.observe { withoutGradients { self(Tensor.zeros([1] + inputShape)) } }
        let names = Dictionary(namedModules.map { (ObjectIdentifier($0.module), $0.name) }, uniquingKeysWith: { first, _ in first })
        var rows: [(String, String, String)] = []
        for record in observation.records where record.module.namedChildren.isEmpty {
            let name = names[ObjectIdentifier(record.module)] ?? "?"
            let shape = "(None" + record.output.shape.dropFirst().map { ", \($0)" }.joined() + ")"
            let count = record.module.ownParameters.reduce(0) { $0 + $1.parameter.value.scalarCount }
            rows.append(("\(name.isEmpty ? typeName : name) (\(record.module.typeName))", shape, Self.grouped(count)))
        }
        let header = ("Layer (type)", "Output Shape", "Param #")
        let widths = [
            max(31, rows.map(\.0.count).max() ?? 0, header.0.count),
            max(22, rows.map(\.1.count).max() ?? 0),
            max(13, rows.map(\.2.count).max() ?? 0),
        ]
        func line(_ left: String, _ fill: String, _ middle: String, _ right: String) -> String {
            left + widths.map { String(repeating: fill, count: $0 + 2) }.joined(separator: middle) + right
        }
        func row(_ cells: (String, String, String), _ border: String) -> String {
            let padded = [cells.0.padding(widths[0]), cells.1.padding(widths[1]), cells.2.leftPadding(widths[2])]
            return border + padded.map { " \($0) " }.joined(separator: border) + border
        }
        var lines = ["Model: \"\(title ?? typeName)\""]
        lines.append(line("┏", "━", "┳", "┓"))
        lines.append(row(header, "┃"))
        lines.append(line("┡", "━", "╇", "┩"))
        for (index, cells) in rows.enumerated() {
            if index > 0 { lines.append(line("├", "─", "┼", "┤")) }
            lines.append(row(cells, "│"))
        }
        lines.append(line("└", "─", "┴", "┘"))
        let total = parameterCount, trainable = trainableParameterCount
        lines.append(" Total params: \(Self.grouped(total)) (\(Self.bytes(total * 4)))")
        lines.append(" Trainable params: \(Self.grouped(trainable)) (\(Self.bytes(trainable * 4)))")
        lines.append(" Non-trainable params: \(Self.grouped(total - trainable)) (\(Self.bytes((total - trainable) * 4)))")
        return lines.joined(separator: "\n")
    }

    /// `1344` → `1,344`.
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return result
    }

    /// Bytes in Keras's units: `512.00 B`, `8.79 KB` (1024-based, two decimals).
    static func bytes(_ count: Int) -> String {
        var value = Double(count)
        var unit = 0
        let units = ["B", "KB", "MB", "GB"]
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(units[unit])"
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
