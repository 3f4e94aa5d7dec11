import ArgumentParser
import PrismCommandLine

/// `prism context …`: named sets of server, namespace and timeout, so that a second cluster is one
/// word away instead of three flags.
struct ContextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "context",
        abstract: "List, show, switch and set contexts: named defaults for --server, --namespace and --timeout.",
        discussion: """
            prism context set lab --server 10.0.0.5:8980 --namespace iot --timeout 5s
            prism context use lab
            prism enumerate                  # on 10.0.0.5:8980, namespace iot
            prism --context local enumerate  # one command elsewhere

            The file is $PRISM_CLIENT_CONFIG, else $XDG_CONFIG_HOME/prism/config.yaml, else \
            ~/.config/prism/config.yaml. Flags win over $PRISM_SERVER and $PRISM_NAMESPACE, which win over \
            the context (--context, else $PRISM_CONTEXT, else current-context), which wins over the defaults.
            """,
        subcommands: [ContextList.self, ContextShow.self, ContextUse.self, ContextSet.self])

    /// The file, or the error as prism reports bad input (exit 2).
    static func load() throws -> ContextFile {
        do {
            return try ContextFile.load()
        } catch {
            throw CommandFailure.invalid("\(error)")
        }
    }
}
