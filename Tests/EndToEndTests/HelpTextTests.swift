import Foundation
import Testing

/// `--help` as a person reads it in an 80-column terminal: paragraphs wrapped by ArgumentParser
/// rather than by hand (hand-wrapped lines come out ragged), each default said once.
@Suite("--help reads well at 80 columns, in every tool and command")
struct HelpTextTests {
    static let commands: [(tool: String, arguments: [String])] =
        [
            "", "register", "heartbeat", "unregister", "get", "enumerate", "multicast", "subscribe", "watch",
            "patterns", "filter", "filter eval", "filter check", "filter test", "context", "context list",
            "context show", "context use", "context set",
        ].map { ("prism", $0.split(separator: " ").map(String.init)) }
        + ["prism-top", "prism-iot-sim", "prismd"].map { ($0, []) }

    @Test("no ragged paragraph: a short line is not followed by more of the same sentence", arguments: commands)
    func noRaggedLines(tool: String, arguments: [String]) async throws {
        let help = try await Self.help(tool, arguments)
        let lines = help.components(separatedBy: "\n")
        for (line, next) in zip(lines, lines.dropFirst()) where Self.endsTooSoon(line, before: next) {
            Issue.record("\(tool) \(arguments.joined(separator: " ")): ragged after '\(line)'\n\(help)")
        }
    }

    @Test(
        "the usage line fits: ArgumentParser does not wrap it, so a long one is cut by the terminal",
        arguments: commands)
    func usageFits(tool: String, arguments: [String]) async throws {
        let help = try await Self.help(tool, arguments)
        for line in help.components(separatedBy: "\n") where line.hasPrefix("USAGE:") && line.count > 80 {
            Issue.record("\(tool) \(arguments.joined(separator: " ")): \(line.count) columns: \(line)")
        }
    }

    @Test("each option states its default once", arguments: commands)
    func defaultsOnce(tool: String, arguments: [String]) async throws {
        let help = try await Self.help(tool, arguments)
        // ArgumentParser adds "(default: X)", or "; default: X" inside its "(values: …)".
        for option in Self.optionBlocks(help)
        where ["(default", "; default:"].map({ option.components(separatedBy: $0).count - 1 }).reduce(0, +) > 1 {
            Issue.record("\(tool) \(arguments.joined(separator: " ")): the default twice in '\(option)'")
        }
    }

    static func help(_ tool: String, _ arguments: [String]) async throws -> String {
        let outcome = try await PrismProcess.run(
            arguments + ["--help"], executable: tool, environment: ["COLUMNS": "80"])
        #expect(outcome.status == 0, "\(tool) \(arguments): \(outcome.standardError)")
        return outcome.standardOutput
    }

    /// A prose line well short of the width whose sentence goes on in the next line: what ArgumentParser
    /// makes of a line wrapped by hand at a wider width. Examples (`prism …`, indented) and lines ending
    /// a sentence or introducing a list are left alone.
    static func endsTooSoon(_ line: String, before next: String) -> Bool {
        guard line.count < 50, !line.isEmpty, !next.isEmpty else { return false }
        let example = { (text: String) in text.hasPrefix(" ") || text.hasPrefix("prism") || text.hasPrefix("jq ") }
        guard !example(line), !example(next), !next.hasPrefix("USAGE:"), !next.hasPrefix("OPTIONS:") else {
            return false
        }
        return !(line.hasSuffix(".") || line.hasSuffix(":") || line.hasSuffix(")"))
    }

    /// Each option's help: its first line (`  --name …`) with the lines indented under it.
    static func optionBlocks(_ help: String) -> [String] {
        var blocks: [String] = []
        for line in help.components(separatedBy: "\n") {
            if line.hasPrefix("  -") {
                blocks.append(line)
            } else if line.hasPrefix("    "), !blocks.isEmpty {
                blocks[blocks.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)
            }
        }
        return blocks
    }
}
