import ArgumentParser
import PrismAPI
import PrismCommandLine

struct ContextSet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Create a context, or change the settings given of an existing one.",
        usage: "prism context set <name> [--server <host:port>] [<options>]",
        discussion: """
            The first context created becomes the current one. The file is written afresh, so comments in \
            it are not kept.
            """)

    @Argument(help: "The context: a letter, then letters, digits, '.', '_' or '-'.") var name: String
    @Option(help: ArgumentHelp("prismd's gRPC address.", valueName: "host:port")) var server: String?
    @Option(help: ArgumentHelp("The namespace.", valueName: "name")) var namespace: String?
    @Option(
        help: ArgumentHelp("How long a call may take.", valueName: "duration"), transform: DurationArgument.parse)
    var timeout: Duration?

    func validate() throws {
        guard ContextFile.isValidName(name) else {
            throw ValidationError(
                "context name '\(name)' must start with a letter and hold only letters, digits, '.', '_' or '-'")
        }
        if let server {
            guard let address = HostAndPort(server), address.port != 0 else {
                throw ValidationError("--server '\(server)' is not HOST:PORT (e.g. 127.0.0.1:8980)")
            }
        }
        if let timeout, timeout <= .zero { throw ValidationError("--timeout must be above zero") }
    }

    func run() throws {
        var file = try ContextCommand.load()
        var context = file.context(named: name) ?? ClientContext(name: name)
        let created = file.context(named: name) == nil
        context.server = server ?? context.server
        context.namespace = namespace ?? context.namespace
        context.timeout = timeout ?? context.timeout
        if let index = file.contexts.firstIndex(where: { $0.name == name }) {
            file.contexts[index] = context
        } else {
            file.contexts.append(context)
        }
        let becomesCurrent = file.currentContext == nil
        if becomesCurrent { file.currentContext = name }
        do {
            try file.save(try file.textRewritten())
        } catch {
            throw CommandFailure.invalid("\(error)")
        }
        Output.line(
            "\(created ? "created" : "updated") context \(name) in \(file.path)"
                + (becomesCurrent ? "; it is the current context" : ""))
    }
}
