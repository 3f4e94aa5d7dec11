import ArgumentParser

struct FilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Try out filter expressions: evaluate, check and run filter test files.",
        discussion: """
            A filter is text (floor == 1 and kind in ["co2", "humidity"]) or, when it starts with '{', the \
            RFC-017 JSON map form ({"floor": 1, "kind.in": ["co2", "humidity"]}). The language is described \
            in the README.
            """,
        subcommands: [FilterEval.self, FilterCheck.self, FilterTest.self]
    )
}
