import ArgumentParser
import Foundation
import PrismCommandLine

@main
struct Prism: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prism",
        abstract: "Talk to Prism's multicast registry: register identities, enumerate them, multicast to them.",
        discussion: """
            Filters select identities by their metadata, e.g.
              type == "sensor" and floor >= 2 and firmware < v"2.0"
            Try filters without a server:
              prism filter eval 'floor == 1' --metadata '{"floor": 1}'

            The server is --server, else $PRISM_SERVER, else the context's (see prism context), else \
            127.0.0.1:8980; the namespace likewise (default "default").

            Exit status: 0 ok, 1 the server refused the operation, 2 invalid input or usage, 3 the server \
            could not be reached.
            """,
        version: PrismVersion.text,
        subcommands: [
            RegisterCommand.self, HeartbeatCommand.self, UnregisterCommand.self, GetCommand.self,
            EnumerateCommand.self, MulticastCommand.self, SubscribeCommand.self, WatchCommand.self,
            PatternsCommand.self, FilterCommand.self, ContextCommand.self,
        ]
    )

    static func main() async { await CommandLineMain.run(Self.self, globalOptions: ClientOptions.globalOptions) }
}
