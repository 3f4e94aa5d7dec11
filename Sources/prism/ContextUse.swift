import ArgumentParser
import PrismCommandLine

struct ContextUse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "use",
        abstract: "Make a context the current one (only the file's current-context line changes).")

    @Argument(help: "The context.", completion: ContextFile.nameCompletion) var name: String

    func run() throws {
        let file = try ContextCommand.load()
        do {
            _ = try file.selectedContext(named: name, source: "context use")
            try file.save(try file.textUsing(name))
        } catch {
            throw CommandFailure.invalid("\(error)")
        }
        Output.line("now using context \(name)")
    }
}
