import Foundation
import Testing

@testable import PrismFilter

/// The conformance corpus and the named example filters in filters/, run in-process.
@Suite("filters/ corpus")
struct CorpusTests {
    static let filtersDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("filters")

    static var testFiles: [URL] {
        let directory = filtersDirectory.appendingPathComponent("conformance")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".test") }.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test("the corpus has at least 300 cases")
    func corpusSize() throws {
        let total = try Self.testFiles.reduce(0) { count, file in
            count + (try FilterTestFile(parsing: String(contentsOf: file, encoding: .utf8))).cases.count
        }
        #expect(total >= 300)
    }

    @Test("every conformance case passes", arguments: testFiles)
    func conformance(file: URL) throws {
        let suite = try FilterTestFile(parsing: String(contentsOf: file, encoding: .utf8))
        #expect(!suite.cases.isEmpty)
        for testCase in suite.cases {
            if let failure = testCase.failure() {
                Issue.record("\(file.lastPathComponent):\(testCase.line): \(testCase.filter): \(failure)")
            }
        }
    }

    @Test("a wrong expectation is reported as a failure")
    func runnerDetectsFailures() throws {
        let suite = try FilterTestFile(
            parsing: """
                @metadata {"floor": 1}
                floor == 1 => false
                floor == => error: 9:9
                floor == 1 => error
                @id == "test" => true
                 => true
                """)
        #expect(suite.cases.map { $0.failure() != nil } == [true, true, true, false, false])
    }

    @Test("every named example filter compiles")
    func exampleFilters() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.filtersDirectory.path)
            .filter { $0.hasSuffix(".filter") }
        #expect(names.count >= 5)
        for name in names {
            let text = try String(contentsOf: Self.filtersDirectory.appendingPathComponent(name), encoding: .utf8)
            #expect(throws: Never.self, "\(name)") { try Filter(FilterSource.stripComments(text)) }
        }
    }
}
