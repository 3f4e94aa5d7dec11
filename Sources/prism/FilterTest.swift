import ArgumentParser
import Foundation
import PrismFilter

struct FilterTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run filter test files and print 'N passed, M failed'.",
        discussion: """
            Each PATH is a test file or a directory searched recursively for *.test files. The format \
            (cases of FILTER => true | false | error: TEXT, with @metadata, @id and @limits directives) is \
            described in filters/README.md. Exits 1 when a case fails.
            """
    )

    @Argument(help: "Test files or directories.", completion: .file())
    var paths: [String]

    @Flag(name: .shortAndLong, help: "Print every case, not only failures.")
    var verbose = false

    func run() throws {
        var passed = 0
        var failed = 0
        for file in try testFiles() {
            let text: String
            let suite: FilterTestFile
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
                suite = try FilterTestFile(parsing: text)
            } catch {
                Output.line("\(file): \(error)")
                failed += 1
                continue
            }
            for testCase in suite.cases {
                if let failure = testCase.failure() {
                    failed += 1
                    Output.line("\(file):\(testCase.line): \(testCase.filter): \(failure)")
                } else {
                    passed += 1
                    if verbose { Output.line("\(file):\(testCase.line): ok: \(testCase.filter)") }
                }
            }
        }
        Output.line("\(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode.failure }
    }

    private func testFiles() throws -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("no such file or directory: \(path)")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let found = (manager.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".test") }
                .sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            if found.isEmpty { throw ValidationError("no *.test files under \(path)") }
            files += found
        }
        return files
    }
}
