import ArgumentParser
import Foundation
import GRPCCore
import PrismClient
import PrismCommandLine
import PrismFilter

/// Where to send a command and how to print its answer.
struct ClientOptions: ParsableArguments {
    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "prismd's gRPC address (default: $PRISM_SERVER, the context's, or 127.0.0.1:8980).",
            valueName: "host:port"))
    var server: String?

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Namespace (default: $PRISM_NAMESPACE, the context's, or \"default\").", valueName: "name"))
    var namespace: String?

    @Option(
        help: ArgumentHelp(
            "The context whose server, namespace and timeout to use (default: $PRISM_CONTEXT, or the "
                + "current context; see prism context).",
            valueName: "name"),
        completion: ContextFile.nameCompletion)
    var context: String?

    @Option(
        help: ArgumentHelp(
            "How long a call may take before it is given up as unreachable (default: the context's, or 10s).",
            discussion: "Multicast adds its --ack-timeout. Streams (subscribe, watch) wait this long to be set up.",
            valueName: "duration"),
        transform: DurationArgument.parse)
    var timeout: Duration?

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "How to print the answer (default table).",
            discussion: """
                json is one document, jsonl one JSON line per identity, namespace, event or message, yaml \
                the json document as YAML; the shape is in the README. wide is enumerate's and get's table \
                with --columns (and the --sort field) as columns, and multicast's with the delivered targets.
                """,
            valueName: "format"))
    var output: OutputFormat?

    @Flag(help: "The same as -o json.")
    var json = false

    var format: OutputFormat { json ? .json : output ?? .table }

    /// Whether --namespace (-n) is on the command line, rather than from the environment or a context:
    /// `patterns` lists every namespace unless one is named.
    var namespaceWasGiven: Bool { namespace != nil }

    /// These options may also come before the subcommand (`prism -s ADDR enumerate`).
    static let globalOptions = [
        "--server": 1, "-s": 1, "--namespace": 1, "-n": 1, "--context": 1, "--timeout": 1, "--output": 1, "-o": 1,
        "--json": 0,
    ]

    /// Whether a document format (JSON or YAML) was asked for, rather than a table.
    var printsDocuments: Bool { format != .table && format != .wide }

    /// One document in the format asked for. A stream's YAML documents (`streamed`) each start with
    /// `---`, so that one YAML reader takes the whole stream.
    func printDocument(_ value: Value, streamed: Bool = false) {
        guard format == .yaml else { return Output.printJSON(value) }
        var text = ToolYAML.text(value)
        if text.hasSuffix("\n") { text.removeLast() }
        Output.line(streamed ? "---\n" + text : text)
    }

    /// The server, namespace and timeout after the environment and the context have had their say.
    func settings() throws -> ConnectionSettings {
        do {
            return try ConnectionSettings.resolve(
                server: server, namespace: namespace, timeout: timeout, context: context)
        } catch {
            throw CommandFailure.invalid("\(error)")
        }
    }

    /// Runs `body` with a connected client; errors become the documented exit statuses.
    func run(_ body: (PrismClient) async throws -> Void) async throws {
        let settings = try settings()
        do {
            // A person waits at the prompt: a call that takes longer than this is reported, not waited on.
            try await PrismClient.with(
                server: settings.server, namespace: settings.namespace,
                callTimeout: settings.timeout ?? Self.defaultTimeout, body)
        } catch let error as PrismClientError {
            throw CommandFailure.report(error)
        }
    }

    static let defaultTimeout = Duration.seconds(10)
}

/// How a command prints its answer.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, wide, json, jsonl, yaml
}

/// Reports an error on stderr and picks the exit status scripts can rely on.
enum CommandFailure {
    static let refused = ExitCode(1)
    static let invalidInput = ExitCode(2)
    static let unreachable = ExitCode(3)

    static func report(_ error: PrismClientError) -> ExitCode {
        printError("prism: \(error)")
        switch error {
        case .unreachable: return unreachable
        case .invalidRequest: return invalidInput
        case .rejected(let code, _): return code == .invalidArgument ? invalidInput : refused
        }
    }

    static func invalid(_ message: String) -> ExitCode {
        printError("prism: \(message)")
        return invalidInput
    }
}
