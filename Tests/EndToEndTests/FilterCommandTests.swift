import Foundation
import Testing

@Suite("prism filter (the executable)")
struct FilterCommandTests {
    @Test("eval prints true or false and exits 0")
    func evalResults() async throws {
        let yes = try await PrismProcess.run([
            "filter", "eval", #"type == "sensor" and floor >= 1"#, "--metadata", #"{"type":"sensor","floor":1}"#,
        ])
        #expect(yes.status == 0)
        #expect(yes.standardOutput == "true\n")
        let no = try await PrismProcess.run(["filter", "eval", "floor == 2", "--metadata", #"{"floor":1}"#])
        #expect(no.status == 0)
        #expect(no.standardOutput == "false\n")
        let identity = try await PrismProcess.run(["filter", "eval", #"@id startswith "dev-""#, "--id", "dev-9"])
        #expect(identity.standardOutput == "true\n")
        let map = try await PrismProcess.run(["filter", "eval", #"{"floor.lt": 2}"#, "--metadata", #"{"floor":1}"#])
        #expect(map.standardOutput == "true\n")
    }

    @Test("an invalid filter exits non-zero with the positioned error on stderr and nothing on stdout")
    func evalError() async throws {
        let outcome = try await PrismProcess.run(["filter", "eval", "floor ==", "--metadata", "{}"])
        #expect(outcome.status == 2)
        #expect(outcome.standardOutput.isEmpty)
        #expect(outcome.standardError.contains("1:9: expected a value after '==', found end of input"))
        let metadata = try await PrismProcess.run(["filter", "eval", "a", "--metadata", "[1]"])
        #expect(metadata.status == 2)
        #expect(metadata.standardError.contains("must be a JSON object"))
    }

    @Test("check prints the canonical form, or the error with a caret under the column")
    func check() async throws {
        let good = try await PrismProcess.run(["filter", "check", "a OR b AND NOT c IN [1,'x']"])
        #expect(good.status == 0)
        #expect(good.standardOutput == "a == true or b == true and not c in [1, \"x\"]\n")
        let bad = try await PrismProcess.run(["filter", "check", "building == HQ"])
        #expect(bad.status == 2)
        #expect(
            bad.standardError
                == "1:13: strings must be quoted: found bare word 'HQ' where a value belongs; write \"HQ\"\n"
                + "  building == HQ\n              ^\n")
    }

    @Test("test runs files, reports failures with file:line, and fails when a case fails")
    func testCommand() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prism-e2e-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("cases.test")
        try """
        @metadata {"floor": 1}
        floor == 1 => true
        floor == 2 => true
        floor == => error: expected a value
        """.write(to: file, atomically: true, encoding: .utf8)
        let outcome = try await PrismProcess.run(["filter", "test", directory.path])
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput.contains("cases.test:3: floor == 2: expected true, got false"))
        #expect(outcome.standardOutput.hasSuffix("2 passed, 1 failed\n"))
        let missing = try await PrismProcess.run(["filter", "test", directory.appendingPathComponent("nope").path])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("no such file or directory"))
    }
}
