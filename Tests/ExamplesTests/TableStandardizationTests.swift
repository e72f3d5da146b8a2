import Foundation
import Testing

/// `neurite train` on a table: the statistics of the training split become the model's first layer,
/// so the saved model takes raw rows.
@Suite("neurite on tables: standardisation in the model")
struct TableStandardizationTests {
    let examples = ExampleTests()

    /// 400 rows whose two features differ in scale by 10⁷; the class is whether their scaled sum
    /// exceeds 1.
    func writeTable(to directory: String) throws -> (labelled: String, features: String, labels: [Int]) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var labelled = "metres,kilometres,label\n", features = "metres,kilometres\n", labels: [Int] = []
        for i in 0..<400 {
            let a = Double((i * 37) % 1000) * 10, b = Double((i * 91) % 997) / 997 * 0.001
            let label = a / 10_000 + b * 1000 > 1 ? 1 : 0
            labelled += "\(a),\(b),\(label)\n"
            features += "\(a),\(b)\n"
            labels.append(label)
        }
        try labelled.write(toFile: "\(directory)/table.csv", atomically: true, encoding: .utf8)
        try features.write(toFile: "\(directory)/rows.csv", atomically: true, encoding: .utf8)
        return ("\(directory)/table.csv", "\(directory)/rows.csv", labels)
    }

    @Test func theSavedModelStandardizesRawRows() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-table-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let table = try writeTable(to: directory)
        let run = try examples.run(
            "neurite", ["train", "--dataset", "csv:\(table.labelled)", "--hidden", "16", "--epochs", "30", "--quiet", "--output", "\(directory)/run"])
        #expect(run.status == 0, "\(run.error)")
        let accuracy = try #require(Double(run.output.split(separator: " ").dropFirst(2).first ?? ""))
        #expect(accuracy >= 0.9, "\(run.output)")

        let model = "\(directory)/run/model.safetensors"
        let summary = try examples.run("neurite", ["summary", "--model", model])
        #expect(summary.output.contains("Standardize"), "\(summary.output)")

        // predict reads the raw rows: its classes agree with the labels as often as the test accuracy says.
        let predicted = try examples.run("neurite", ["predict", "--model", model, "--input", table.features, "--output-kind", "logits"])
        #expect(predicted.status == 0, "\(predicted.error)")
        let classes = predicted.output.split(separator: "\n").dropFirst().compactMap { Int($0.split(separator: ",")[1]) }
        #expect(classes.count == 400)
        let agreement = Double(zip(classes, table.labels).filter { $0 == $1 }.count) / 400
        #expect(agreement >= 0.9, "predictions on raw rows agree with \(agreement) of the labels")

        let plain = try examples.run(
            "neurite",
            [
                "train", "--dataset", "csv:\(table.labelled)", "--hidden", "16", "--epochs", "30", "--quiet", "--no-standardize", "--output",
                "\(directory)/plain",
            ])
        #expect(plain.status == 0, "\(plain.error)")
        // Without it the kilometres column is invisible beside the metres (0.575 when written).
        let plainAccuracy = try #require(Double(plain.output.split(separator: " ").dropFirst(2).first ?? ""))
        #expect(plainAccuracy < accuracy - 0.1, "standardised \(accuracy), raw \(plainAccuracy)")
        let plainSummary = try examples.run("neurite", ["summary", "--model", "\(directory)/plain/model.safetensors"])
        #expect(plainSummary.status == 0 && !plainSummary.output.contains("Standardize"), "\(plainSummary.output)")
    }

    /// Labels that are words become classes by name: in the model file, evaluate's table, predict's
    /// class column and the confusion-matrix picture.
    @Test func wordLabelsAreClassNamesEverywhere() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-words-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var table = "length,width,species\n", rows = "length,width\n"
        for i in 0..<150 {
            let species = ["setosa", "versicolor", "virginica"][i % 3]
            let length = Double(i % 3) * 2 + Double((i * 7) % 10) / 20, width = Double(i % 3) + Double((i * 3) % 10) / 20
            table += "\(length),\(width),\(species)\n"
            if i < 3 { rows += "\(length),\(width)\n" }
        }
        try table.write(toFile: "\(directory)/iris.csv", atomically: true, encoding: .utf8)
        try rows.write(toFile: "\(directory)/rows.csv", atomically: true, encoding: .utf8)
        let run = try examples.run(
            "neurite",
            ["train", "--dataset", "csv:\(directory)/iris.csv", "--hidden", "16", "--epochs", "20", "--quiet", "--output", "\(directory)/run"])
        #expect(run.status == 0, "\(run.error)")
        let model = "\(directory)/run/model.safetensors"
        let evaluation = try examples.run("neurite", ["evaluate", "--model", model, "--dataset", "csv:\(directory)/iris.csv"])
        #expect(evaluation.status == 0, "\(evaluation.error)")
        for name in ["setosa", "versicolor", "virginica"] {
            #expect(evaluation.output.contains("\n\(name)  ") || evaluation.output.contains(" \(name)  "), "\(evaluation.output)")
        }
        let predicted = try examples.run("neurite", ["predict", "--model", model, "--input", "\(directory)/rows.csv"])
        #expect(predicted.status == 0, "\(predicted.error)")
        let lines = predicted.output.split(separator: "\n")
        #expect(lines.first == "index,class,p_setosa,p_versicolor,p_virginica", "\(predicted.output)")
        #expect(lines.dropFirst().map { $0.split(separator: ",")[1] } == ["setosa", "versicolor", "virginica"], "\(predicted.output)")
        #expect(FileManager.default.fileExists(atPath: "\(directory)/run/confusion-matrix.png"))
    }
}
