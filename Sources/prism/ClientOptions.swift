import ArgumentParser
import Foundation
import GRPCCore
import PrismClient
import PrismCommandLine

/// Where to send a command and how to print its answer.
struct ClientOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp("prismd's gRPC address (default $PRISM_SERVER or 127.0.0.1:8980).", valueName: "host:port"))
    var server: String = ServerArgument.server

    @Option(help: ArgumentHelp("Namespace (default $PRISM_NAMESPACE or \"default\").", valueName: "name"))
    var namespace: String = ServerArgument.namespace()

    @Option(
        help: ArgumentHelp(
            "How long a call may take before it is given up as unreachable (default 10s; multicast adds its "
                + "--ack-timeout). Streams (subscribe, watch) wait this long to be set up.",
            valueName: "duration"),
        transform: DurationArgument.parse)
    var timeout: Duration = .seconds(10)

    @Flag(help: "Print JSON with the API's field names instead of a table.")
    var json = false

    /// Runs `body` with a connected client; errors become the documented exit statuses.
    func run(_ body: (PrismClient) async throws -> Void) async throws {
        do {
            // A person waits at the prompt: a call that takes longer than this is reported, not waited on.
            try await PrismClient.with(server: server, namespace: namespace, callTimeout: timeout, body)
        } catch let error as PrismClientError {
            throw CommandFailure.report(error)
        }
    }
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
