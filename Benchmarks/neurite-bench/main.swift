// Benchmarks of Neurite's kernels against NumPy, measured in the same run (`step` times an MLP
// training step's products and phases with Neurite alone).
//
//     swift run -c release neurite-bench [gemm|step|math|ops|interpret|cnn|conv|all] [--quick] [--rounds N]
//
// Each timing is the median of repeated runs. For each shape, Neurite and NumPy are timed back to
// back, `--rounds` times (default 3) in alternation; the medians over the rounds are reported, so
// a burst of load from elsewhere on the machine moves neither side alone.
import Foundation
import Neurite
import NeuriteKernels

let arguments = Array(CommandLine.arguments.dropFirst())
let quick = arguments.contains("--quick")
var rounds = 3
if let flag = arguments.firstIndex(of: "--rounds") {
    guard flag + 1 < arguments.count, let value = Int(arguments[flag + 1]), value > 0 else {
        FileHandle.standardError.write(Data("neurite-bench: --rounds expects a positive integer\n".utf8))
        exit(2)
    }
    rounds = value
}
let sections = arguments.enumerated().filter { index, argument in
    !argument.hasPrefix("--") && (index == 0 || arguments[index - 1] != "--rounds")
}.map(\.element)
let known: Set = ["gemm", "step", "math", "ops", "interpret", "cnn", "conv", "all"]
if let unknown = sections.first(where: { !known.contains($0) }) {
    FileHandle.standardError.write(
        Data("neurite-bench: unknown benchmark '\(unknown)' (expected gemm, step, math, ops, interpret, cnn, conv or all)\n".utf8))
    exit(2)
}
let chosen = sections.isEmpty ? ["all"] : sections

do {
    print("Neurite benchmarks — \(ProcessInfo.processInfo.processorCount) cores, SIMD \(SIMDLevel.detected), medians of \(rounds) rounds")
    if chosen.contains("gemm") || chosen.contains("all") { try runGemmBenchmarks(quick: quick, rounds: rounds) }
    if chosen.contains("step") || chosen.contains("all") {
        runStepProductBenchmarks(quick: quick, rounds: rounds)
        try runStepPhaseBenchmarks(quick: quick)
    }
    if chosen.contains("math") || chosen.contains("all") { try runMathBenchmarks(quick: quick, rounds: rounds) }
    if chosen.contains("ops") || chosen.contains("all") { try runOperationBenchmarks(quick: quick, rounds: rounds) }
    if chosen.contains("interpret") || chosen.contains("all") { try runInterpretBenchmarks(quick: quick, rounds: rounds) }
    if chosen.contains("cnn") || chosen.contains("all") { try runConvolutionBenchmarks(quick: quick, rounds: rounds) }
    if chosen.contains("conv") { runConvolutionKernelBenchmarks(quick: quick) }
} catch {
    FileHandle.standardError.write(Data("neurite-bench: \(error)\n".utf8))
    exit(1)
}
