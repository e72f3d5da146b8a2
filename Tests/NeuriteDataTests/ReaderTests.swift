import Foundation
import NeuriteCore
import Testing
import _NeuriteTestSupport

@testable import NeuriteData

@Suite("Readers")
struct ReaderTests {
    let directory = temporaryDirectory()

    func expectError(_ expected: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Tensor) {
        do {
            let value = try body()
            Issue.record("expected an error containing '\(expected)', got a tensor of shape \(value.shape)", sourceLocation: sourceLocation)
        } catch let error as DataError {
            #expect(error.description.contains(expected), "\(error.description)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected a DataError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Scaling while converting gives the bits of dividing the tensor afterwards, for every byte.
    @Test func idxScaledWhileReadingEqualsDividingAfter() throws {
        let bytes: [UInt8] = [0, 0, 8, 1, 0, 0, 1, 0] + (0...255).map(UInt8.init)
        let scaled = try IDXReader.parse(bytes, file: "f", dividedBy: 255)
        let divided = try IDXReader.parse(bytes, file: "f") / 255
        #expect(scaled.scalars.map(\.bitPattern) == divided.scalars.map(\.bitPattern))
        #expect(scaled.scalars.last == 1 && scaled.scalars.first == 0)
    }

    @Test func idxFilesRawAndCompressed() throws {
        let bytes = idx(shape: [2, 2, 3], values: Array(0..<12))
        let raw = write(bytes, "raw-idx", in: directory)
        let compressed = write(gzip(bytes), "compressed-idx.gz", in: directory)
        for path in [raw, compressed] {
            let tensor = try IDXReader.read(path)
            #expect(tensor.shape == [2, 2, 3])
            #expect(tensor.scalars == (0..<12).map(Float.init))
        }
        #expect(try IDXReader.read(write(idx(shape: [3], values: [7, 8, 9]), "labels", in: directory)).scalars == [7, 8, 9])
    }

    @Test func malformedAndHostileIDXFilesAreReportedPrecisely() {
        let file = "f"
        expectError("f: byte 0: expected a 4-byte IDX magic number") { try IDXReader.parse([0, 0], file: file) }
        expectError("byte 0: expected an IDX magic number starting with two zero bytes, found 0x1f 0x8b") {
            try IDXReader.parse([0x1F, 0x8B, 8, 1, 0, 0, 0, 0], file: file)
        }
        expectError("byte 2: expected IDX type 0x08 (unsigned bytes), found 0x0d") {
            try IDXReader.parse([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], file: file)
        }
        expectError("header declares 3 dimensions but the file ends after 8 bytes") { try IDXReader.parse([0, 0, 8, 3, 0, 0, 0, 1], file: file) }
        // Huge declared sizes are refused before anything is allocated.
        expectError("byte 12: expected 4611686014132420609 bytes of data for shape [2147483647, 2147483647], found 3") {
            try IDXReader.parse(idx(shape: [2147483647, 2147483647], values: [1, 2, 3]), file: file)
        }
        expectError("byte 12: dimensions [2147483647, 2147483647, 2147483647] declare more values than can be counted") {
            try IDXReader.parse(idx(shape: [2147483647, 2147483647, 2147483647], values: [1]), file: file)
        }
        expectError("byte 12: expected 6 bytes of data for shape [2, 3], found 5") {
            try IDXReader.parse(idx(shape: [2, 3], values: [1, 2, 3, 4, 5]), file: file)
        }
        expectError("expected 2 bytes of data for shape [2], found 3") { try IDXReader.parse(idx(shape: [2], values: [1, 2, 3]), file: file) }
    }

    @Test func fileProblemsNameTheFile() {
        let missing = directory.appendingPathComponent("nothing-here").path
        expectError("\(missing): no such file") { try IDXReader.read(missing) }
        expectError("is a directory, not a file") { try IDXReader.read(directory.path) }
        let compressed = gzip(idx(shape: [100], values: Array(repeating: 7, count: 100)))
        let truncated = write(Array(compressed.prefix(compressed.count / 2)), "truncated.gz", in: directory)
        expectError("\(truncated): byte \(compressed.count / 2): gzip data ends early (truncated file)") { try IDXReader.read(truncated) }
        var corrupt = compressed
        for i in 12..<20 { corrupt[i] ^= 0xFF }
        let corruptPath = write(corrupt, "corrupt.gz", in: directory)
        expectError("\(corruptPath): byte") { try IDXReader.read(corruptPath) }
    }

    @Test func npyFilesOfEachSupportedType() throws {
        let floats: [Float] = [1.5, -2, 3.25, 4, 5, 6]
        let f4 = npy(descr: "<f4", shape: "(2, 3)", data: floats.flatMap { littleEndianBytes($0.bitPattern) })
        #expect(try NPYReader.parse(f4, file: "a.npy") == Tensor(floats, shape: [2, 3]))
        let f8 = npy(descr: "<f8", shape: "(3,)", data: [0.5, -1.25, 1e10].flatMap { littleEndianBytes(Double($0).bitPattern) })
        #expect(try NPYReader.parse(f8, file: "b.npy").scalars == [0.5, -1.25, 1e10])
        let i8 = npy(descr: "<i8", shape: "(2,)", data: [Int64(-3), 9].flatMap { littleEndianBytes($0) })
        #expect(try NPYReader.parse(i8, file: "c.npy").scalars == [-3, 9])
        let i4 = npy(descr: "<i4", shape: "(3,)", data: [Int32(-7), 0, Int32.max].flatMap { littleEndianBytes($0) })
        #expect(try NPYReader.parse(i4, file: "c4.npy").scalars == [-7, 0, Float(Int32.max)])
        // Any bit pattern comes through as it is (a NaN payload, a denormal, −0).
        let patterns: [UInt32] = [0x7fc0_1234, 0x0000_0001, 0x8000_0000]
        let bits = npy(descr: "<f4", shape: "(3,)", data: patterns.flatMap { littleEndianBytes($0) })
        #expect(try NPYReader.parse(bits, file: "f.npy").scalars.map(\.bitPattern) == patterns)
        let u1 = npy(descr: "|u1", shape: "(2, 2)", data: [0, 1, 254, 255])
        #expect(try NPYReader.parse(u1, file: "d.npy").scalars == [0, 1, 254, 255])
        let scalar = npy(descr: "<f4", shape: "()", data: littleEndianBytes(Float(7).bitPattern))
        #expect(try NPYReader.parse(scalar, file: "e.npy").shape == [])
        let path = write(gzip(u1), "d.npy.gz", in: directory)
        #expect(try NPYReader.read(path).shape == [2, 2])
    }

    @Test func malformedNPYFilesAreReportedPrecisely() {
        expectError("byte 0: expected the .npy magic") { try NPYReader.parse(Array("not numpy at all".utf8), file: "x") }
        expectError("Fortran-order arrays are not supported") {
            try NPYReader.parse(npy(descr: "<f4", shape: "(1,)", fortran: true, data: [0, 0, 0, 0]), file: "x")
        }
        expectError("expected dtype <f4, <f8, <i8, <i4 or |u1, found >f4") {
            try NPYReader.parse(npy(descr: ">f4", shape: "(1,)", data: [0, 0, 0, 0]), file: "x")
        }
        expectError("expected 8 bytes of data for shape [2], found 4") {
            try NPYReader.parse(npy(descr: "<f4", shape: "(2,)", data: [0, 0, 0, 0]), file: "x")
        }
        expectError("shape [4611686018427387904, 4] declares more values than the file holds") {
            try NPYReader.parse(npy(descr: "<f4", shape: "(4611686018427387904, 4)", data: []), file: "x")
        }
        var header = npy(descr: "<f4", shape: "(1,)", data: [0, 0, 0, 0])
        header[8] = 0xFF
        header[9] = 0xFF
        expectError("header of 65535 bytes runs past the end of the file") { try NPYReader.parse(header, file: "x") }
    }

    @Test func csvWithHeaderAndLabelColumn() throws {
        let text = "a,b,label\n1, 2,0\n3,4.5,1\n\n5,6,2\n"
        let path = write(Array(text.utf8), "data.csv", in: directory)
        let (features, labels) = try CSVReader.read(path)
        #expect(features == Tensor(rows: [[1, 2], [3, 4.5], [5, 6]]))
        #expect(labels.scalars == [0, 1, 2])
        let (firstFeatures, firstLabels) = try CSVReader.parse(Array("9,1,2\n8,3,4\n".utf8), file: "x", labelColumn: 0)
        #expect(firstLabels.scalars == [9, 8] && firstFeatures.scalars == [1, 2, 3, 4])
    }

    @Test func malformedCSVIsReportedByLineAndColumn() {
        func parse(_ text: String) throws -> Tensor { try CSVReader.parse(Array(text.utf8), file: "t.csv").features }
        expectError("t.csv: line 3, column 2: expected a number, found 'x'") { try parse("1,2,3\n4,5,6\n7,x,9\n") }
        expectError("t.csv: line 2: expected 3 columns, found 2") { try parse("1,2,3\n4,5\n") }
        expectError("t.csv: no data rows") { try parse("\n\n") }
        expectError("t.csv: no data rows") { try parse("a,b\n") }
    }

    /// CRLF line ends and a byte-order mark are read like plain LF files; header detection is
    /// explicit, and a first data row with a typo is an error instead of a silently dropped "header".
    @Test func csvLineEndsByteOrderMarksAndHeaders() throws {
        func parse(_ text: String, header: CSVHeader = .automatic) throws -> (features: Tensor, labels: Tensor) {
            try CSVReader.parse(Array(text.utf8), file: "t.csv", header: header)
        }
        let expected = Tensor(rows: [[1, 2], [4, 5]])
        #expect(try parse("1,2,3\r\n4,5,6\r\n").features == expected)
        #expect(try parse("x,y,z\r\n1,2,3\r\n4,5,6").features == expected)
        #expect(try parse("\u{FEFF}1,2,3\n4,5,6\n").features == expected)
        #expect(try parse("\u{FEFF}x,y,z\n1,2,3\n4,5,6\n").labels.scalars == [3, 6])
        expectError("t.csv: line 1: mixes numbers and text ('2x'), so it is neither a header nor a data row") {
            try parse("1,2x,3\n4,5,6\n").features
        }
        #expect(try parse("1,2,3\n4,5,6\n", header: .present).features == Tensor(rows: [[4, 5]]))
        expectError("t.csv: line 1, column 1: expected a number, found 'x'") { try parse("x,y,z\n4,5,6\n", header: .absent).features }
        #expect(try parse("nan,inf,1\n").features.scalars.map { $0.isFinite } == [false, false])
        // A one-column file is a matrix of one feature (what predict reads), not features and a label.
        let path = write(Array("0.5\n0.25\n".utf8), "one.csv", in: directory)
        #expect(try CSVReader.readMatrix(path) == Tensor(rows: [[0.5], [0.25]]))
        expectError("label column -1 does not exist in 1 column") { try CSVReader.read(path).features }
    }
}

@Suite("NPY writer")
struct NPYWriterTests {
    /// What `NPYWriter` writes, `NPYReader` (and NumPy's format) reads back: shape and values, for
    /// a vector, a matrix and a 4-D tensor; the header is padded to 64 bytes.
    @Test func writtenFilesReadBack() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for tensor in [
            Tensor([1, -2.5, 3e-8]), Tensor(rows: [[1, 2, 3], [4, 5, 6]]), Tensor((0..<24).map { Float($0) / 7 }, shape: [2, 3, 2, 2]),
        ] {
            let path = directory.appendingPathComponent("t\(tensor.rank).npy").path
            try NPYWriter.write(tensor, to: path)
            let back = try NPYReader.read(path)
            #expect(back.shape == tensor.shape && back.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern))
            #expect((NPYWriter.encode(tensor).count - 4 * tensor.scalarCount) % 64 == 0, "the preamble is padded to 64 bytes")
        }
        #expect(throws: FileError.self) { try NPYWriter.write(Tensor([1]), to: "/nonexistent-directory/x.npy") }
        do {
            try NPYWriter.write(Tensor([1]), to: "/nonexistent-directory/x.npy")
        } catch {
            #expect("\(error)" == "/nonexistent-directory/x.npy: cannot write: no such file or directory")
        }
    }
}
