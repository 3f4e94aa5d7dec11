import ArgumentParser

@main
struct Prism: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prism",
        abstract: "Talk to Prism's multicast registry: register identities, enumerate them, multicast to them.",
        discussion: """
            Filters select identities by their metadata, e.g.
              type == "sensor" and floor >= 2 and firmware < v"2.0"
            Try filters without a server: prism filter eval 'floor == 1' --metadata '{"floor": 1}'
            """,
        subcommands: [FilterCommand.self]
    )
}
