import Foundation
import Testing

/// Shell completion as the README documents it: `--generate-completion-script bash|zsh|fish` in every
/// tool, file names for the options that take a file, context names for `--context` and `context use`.
@Suite("shell completion scripts (real processes)")
struct CompletionTests {
    @Test(
        "options that take a file complete file names (bash)",
        arguments: [
            ("prism", "--filter-file"), ("prism", "--payload-file"), ("prismd", "--config"),
        ])
    func fileNames(tool: String, option: String) async throws {
        let script = try await PrismProcess.run(["--generate-completion-script", "bash"], executable: tool)
        #expect(script.status == 0, "\(script.standardError)")
        // ArgumentParser's bash script: `'--filter-file')` then `__prism_add_completions -f`.
        let lines = script.standardOutput.components(separatedBy: "\n")
        let cases = lines.indices.filter { lines[$0].trimmingCharacters(in: .whitespaces) == "'\(option)')" }
        #expect(!cases.isEmpty, "\(tool): no case for \(option)")
        for index in cases {
            #expect(lines[index + 1].hasSuffix("_add_completions -f"), "\(tool) \(option): \(lines[index + 1])")
        }
    }

    @Test("every tool writes bash, zsh and fish scripts", arguments: ["prism", "prism-top", "prism-iot-sim", "prismd"])
    func scripts(tool: String) async throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try await PrismProcess.run(["--generate-completion-script", shell], executable: tool)
            #expect(script.status == 0, "\(tool) \(shell): \(script.standardError)")
            #expect(script.standardOutput.contains(tool), "\(tool) \(shell)")
        }
    }

    @Test("--context and context use complete the names in the contexts file")
    func contextNames() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("prism-completion-\(UUID()).yaml")
        try "contexts:\n  lab: {}\n  local: {server: 127.0.0.1:8980}\n".write(
            to: file, atomically: true, encoding: .utf8)
        let environment = ["PRISM_CLIENT_CONFIG": file.path]
        // What the generated scripts run when the cursor is on the name.
        for (tool, arguments) in [
            (
                "prism",
                ["---completion", "context", "use", "--", "positional@0", "3", "0", "prism", "context", "use", ""]
            ),
            (
                "prism",
                ["---completion", "enumerate", "--", "--context", "3", "0", "prism", "enumerate", "--context", ""]
            ),
            ("prism-top", ["---completion", "--", "--context", "2", "0", "prism-top", "--context", ""]),
        ] {
            let outcome = try await PrismProcess.run(arguments, executable: tool, environment: environment)
            #expect(outcome.standardOutput == "lab\nlocal\n", "\(tool) \(arguments): \(outcome.standardError)")
        }
    }
}
