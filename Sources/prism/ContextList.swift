import ArgumentParser
import PrismCommandLine
import PrismDurations

struct ContextList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the contexts; * marks the current one.", aliases: ["ls"])

    func run() throws {
        let file = try ContextCommand.load()
        guard !file.contexts.isEmpty else {
            return Output.line(
                "no contexts in \(file.path); create one with prism context set NAME --server HOST:PORT")
        }
        let rows = file.contexts.map { context in
            [
                context.name == file.currentContext ? "*" : "", context.name, context.server ?? "-",
                context.namespace ?? "-", context.timeout.map(\.written) ?? "-",
            ]
        }
        Output.line(Output.table(["CURRENT", "NAME", "SERVER", "NAMESPACE", "TIMEOUT"], rows))
    }
}
