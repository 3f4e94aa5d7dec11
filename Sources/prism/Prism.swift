import ArgumentParser
import Foundation

@main
struct Prism: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prism",
        abstract: "Talk to Prism's multicast registry: register identities, enumerate them, multicast to them.",
        discussion: """
            Filters select identities by their metadata, e.g.
              type == "sensor" and floor >= 2 and firmware < v"2.0"
            Try filters without a server: prism filter eval 'floor == 1' --metadata '{"floor": 1}'

            The server is --server or $PRISM_SERVER (default 127.0.0.1:8980).
            Exit status: 0 ok, 1 the server refused the operation, 2 invalid input or usage,
            3 the server could not be reached.
            """,
        subcommands: [
            RegisterCommand.self, HeartbeatCommand.self, UnregisterCommand.self, GetCommand.self,
            EnumerateCommand.self, MulticastCommand.self, SubscribeCommand.self, WatchCommand.self,
            PatternsCommand.self, FilterCommand.self,
        ]
    )

    /// ArgumentParser exits 64 on usage errors; Prism promises 2, like the invalid-input errors the
    /// commands report themselves.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            exit(withError: ExitCode(2))
        }
    }
}
