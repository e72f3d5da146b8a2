// A first-day program: regression from a CSV file. It writes a table of house prices (made up
// here, so the example needs no download), reads it back with CSVReader, keeps the features'
// statistics in the model (a Standardize layer), trains with early stopping on the validation
// mean absolute error and a cosine schedule, reports the errors, and checks that the saved model
// reloads with identical predictions.
//
//     swift run -c release csv-regression [--rows N] [--epochs N] [--output DIR]
import Foundation
import Neurite

var rows = 2000, epochs = 200, output = "csv-regression-run"
var arguments = CommandLine.arguments.dropFirst()
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("csv-regression: \(message)\n".utf8))
    exit(2)
}
func integer(_ flag: String, _ value: String, atLeast minimum: Int) -> Int {
    guard let number = Int(value), number >= minimum else { fail("\(flag) needs an integer ≥ \(minimum), got '\(value)'") }
    return number
}
while let flag = arguments.popFirst() {
    guard let value = arguments.popFirst() else { fail("\(flag) needs a value") }
    switch flag {
    case "--rows": rows = integer(flag, value, atLeast: 20)
    case "--epochs": epochs = integer(flag, value, atLeast: 1)
    case "--output": output = value
    default: fail("unknown option '\(flag)'")
    }
}
try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)

// The table: area (m²), rooms, distance to the centre (km), age (years) and the price (100 k€),
// columns in very different units, as real tables have.
var generator = PhiloxGenerator(seed: 7)
let columns = Tensor.uniform([rows, 4], generator: &generator).rows
let noise = Tensor.normal([rows], standardDeviation: 0.1, generator: &generator).scalars
var csv = "area,rooms,distance,age,price\n"
for (row, e) in zip(columns, noise) {
    let area = 30 + 220 * row[0], rooms = (1 + 5 * row[1]).rounded(.down), distance = 0.5 + 29.5 * row[2], age = 100 * row[3]
    let price = 0.025 * area + 0.2 * rooms - 0.6 * log(distance) - 0.003 * age + 1 + e
    csv += "\(area),\(rooms),\(distance),\(age),\(price)\n"
}
let table = "\(output)/houses.csv"
try csv.write(toFile: table, atomically: true, encoding: .utf8)

// Read it as a user would: the last column is the target.
let (features, prices) = try CSVReader.read(table)
let data = TensorDataset(inputs: features, targets: prices.reshaped([-1, 1]))  // regression targets [N, 1]
let (trainAndValidation, test) = data.split(fraction: 0.8, seed: 1)
let (train, validation) = trainAndValidation.split(fraction: 0.8, seed: 2)
print("rows: \(train.count) training, \(validation.count) validation, \(test.count) test")

DefaultGenerator.seed(3)
let model = Sequential {
    Standardize(fitting: train.inputs)  // the training rows' statistics, saved with the model
    Dense(4, 64)
    ReLU()
    Dense(64, 64)
    ReLU()
    Dense(64, 1)
}
let optimizer = try Adam(model.parameters, learningRate: 3e-3)
let stopping = EarlyStopping(monitor: "val_mae", patience: 15, restoreBestWeights: true)
let history = try fit(
    model, loss: { meanSquaredError($0, $1) }, optimizer: optimizer,
    data: DataLoader(train, batchSize: 32, shuffle: true, seed: 4), epochs: epochs, validation: validation,
    scheduler: LearningRateScheduler(optimizer, schedule: CosineAnnealing(period: epochs)),  // per epoch
    earlyStopping: stopping)
let best = stopping.bestEpoch ?? history.epochs.count - 1
print("epochs run: \(history.epochs.count); best epoch: \(best + 1)")
print(String(format: "validation MAE %.4f (×100 k€)", history.epochs[best].metrics["val_mae"] ?? .nan))
let result = evaluate(model, on: test, loss: { meanSquaredError($0, $1) })
print(String(format: "test MAE %.4f  MSE %.4f (noise alone: MAE 0.08)", result.meanAbsoluteError ?? .nan, result.meanSquaredError ?? .nan))

// Saved and reloaded: the same predictions from the raw test rows, bit for bit.
let path = "\(output)/houses.safetensors"
try ModelFile.save(model, to: path)
let reloaded = try ModelFile.load(path)
let identical = reloaded.predict(test.inputs).scalars == model.predict(test.inputs).scalars
print("reloaded \(path): \(identical ? "identical" : "DIFFERENT") predictions on \(test.count) raw test rows")
if !identical { exit(1) }
