import ArgumentParser
import PrismCommandLine
import PrismDurations

struct ContextShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a context's settings (the current context's by default).")

    @Argument(help: "The context (default: the current one).", completion: ContextFile.nameCompletion)
    var name: String?

    func run() throws {
        let file = try ContextCommand.load()
        let context: ClientContext
        do {
            guard let selected = try file.selectedContext(named: name, source: "context show") else {
                throw CommandFailure.invalid(
                    "no current context in \(file.path); name one, or choose one with prism context use NAME")
            }
            context = selected
        } catch let error as ContextFileError {
            throw CommandFailure.invalid("\(error)")
        }
        // Unset settings fall through to the environment or the defaults (see prism context --help).
        Output.line(
            Output.table(
                ["context", context.name + (context.name == file.currentContext ? " (current)" : "")],
                [
                    ["server", context.server ?? "-"], ["namespace", context.namespace ?? "-"],
                    ["timeout", context.timeout.map(\.written) ?? "-"], ["file", file.path],
                ]))
    }
}
