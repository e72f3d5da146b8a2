import Foundation
import Testing

/// `neurite train --distributed` in a build without the MPI trait (the tests' build): one line
/// saying how to get MPI, and nothing written. The MPI build is checked by
/// `Scripts/check-distributed.sh` under mpirun.
@Suite("neurite train --distributed without MPI")
struct DistributedToolTests {
    let examples = ExampleTests()

    @Test func saysHowToBuildWithMPIAndWritesNothing() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-distributed-\(UUID().uuidString)").path
        let run = try examples.run("neurite", ["train", "--distributed", "--epochs", "1", "--output", output])
        #expect(run.status == 1 && run.output.isEmpty)
        let lines = run.error.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("built without MPI") && lines[0].contains("--traits MPI"), "\(run.error)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
