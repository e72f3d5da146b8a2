// Benchmarks of Neurite's kernels against NumPy, measured in the same run.
//
//     swift run -c release neurite-bench [gemm|math|all] [--quick]
//
// Each timing is the median of repeated runs; the ratio Neurite / NumPy compares the two medians
// taken back to back for the same shape, so machine noise affects both alike.
import Foundation
import Neurite
import NeuriteKernels

let arguments = Array(CommandLine.arguments.dropFirst())
let quick = arguments.contains("--quick")
let sections = arguments.filter { !$0.hasPrefix("--") }
let known: Set = ["gemm", "math", "all"]
if let unknown = sections.first(where: { !known.contains($0) }) {
    FileHandle.standardError.write(Data("neurite-bench: unknown benchmark '\(unknown)' (expected gemm, math or all)\n".utf8))
    exit(2)
}
let chosen = sections.isEmpty ? ["all"] : sections

do {
    print("Neurite benchmarks — \(ProcessInfo.processInfo.processorCount) cores, SIMD \(SIMDLevel.detected), medians")
    if chosen.contains("gemm") || chosen.contains("all") { try runGemmBenchmarks(quick: quick) }
    if chosen.contains("math") || chosen.contains("all") { try runMathBenchmarks(quick: quick) }
} catch {
    FileHandle.standardError.write(Data("neurite-bench: \(error)\n".utf8))
    exit(1)
}
