import NeuriteCore
import Testing

@testable import NeuriteData

@Suite("CSV labels that are words")
struct CSVWordLabelTests {
    func parse(_ text: String, labelColumn: Int = -1) throws(DataError) -> (features: Tensor, labels: Tensor, classNames: [String]?) {
        try CSVReader.parseLabeled(Array(text.utf8), file: "iris.csv", labelColumn: labelColumn)
    }

    @Test func wordsBecomeSortedClassesAndTheirIndices() throws {
        let table = try parse("sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n4.9,1.4,setosa\n")
        #expect(table.classNames == ["setosa", "versicolor", "virginica"])
        #expect(table.labels.scalars == [0, 1, 2, 0])
        #expect(table.features.shape == [4, 2] && table.features.scalars == [5.1, 1.4, 7.0, 4.7, 6.3, 6.0, 4.9, 1.4])
    }

    @Test func theLabelColumnMayBeAnyColumnAndTheHeaderMayBeAbsent() throws {
        let table = try parse("spam,1,2\nham,3,4\nspam,5,6\n", labelColumn: 0)
        #expect(table.classNames == ["ham", "spam"] && table.labels.scalars == [1, 0, 1])
        #expect(table.features.scalars == [1, 2, 3, 4, 5, 6])
    }

    @Test func numericLabelsKeepTheirValuesAndHaveNoNames() throws {
        let table = try parse("a,b,label\n1,2,0\n3,4,2\n")
        #expect(table.classNames == nil && table.labels.scalars == [0, 2])
        // One word among numbers makes every label a name.
        let mixed = try parse("1,2,3\n4,5,cat\n")
        #expect(mixed.classNames == ["3", "cat"] && mixed.labels.scalars == [0, 1])
    }

    @Test func badRowsAreStillErrorsNamingTheLine() {
        #expect(throws: DataError.self) { try parse("a,b,label\n1,2,x\n3,y,z\n") }
        #expect(throws: DataError.self) { try parse("a,b,label\n1,2,x\n3,4\n") }
        do {
            _ = try parse("a,b,label\n1,2,x\n3,4,\n")
            Issue.record("an empty label was accepted")
        } catch {
            #expect(error.description.contains("iris.csv") && error.description.contains("label is empty"), "\(error)")
        }
        // The plain reader still wants numbers.
        #expect(throws: DataError.self) { try CSVReader.parse(Array("1,2,x\n".utf8), file: "t.csv") }
    }
}
