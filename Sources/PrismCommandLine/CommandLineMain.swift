import ArgumentParser
import Foundation
import PrismFilter

/// The `main()` of Prism's command-line tools. ArgumentParser exits 64 on usage errors; the tools
/// promise 2, like the invalid-input errors they report themselves.
///
/// ```
/// @main struct Tool: AsyncParsableCommand {
///     static func main() async { await CommandLineMain.run(Self.self) }
/// }
/// ```
public enum CommandLineMain {
    /// - Parameter globalOptions: options every subcommand takes, which may also come before the
    ///   subcommand, as with kubectl and the nats CLI (`prism --server ADDR enumerate`): each name with
    ///   the number of values it takes.
    public static func run(_ tool: any AsyncParsableCommand.Type, globalOptions: [String: Int] = [:]) async {
        do {
            let arguments = joiningNegativeValues(
                hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst()), globalOptions))
            if let unknown = unknownSubcommand(arguments.first, of: tool) {
                printError(unknown)
                tool.exit(withError: ExitCode(2))
            }
            var command = try tool.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            guard tool.exitCode(for: error) == .validationFailure else { tool.exit(withError: error) }
            printError(tool.fullMessage(for: error))
            tool.exit(withError: ExitCode(2))
        }
    }
}

extension CommandLineMain {
    /// Moves the global options that come before the subcommand to the end of its arguments (before a
    /// `--`, if any), where the subcommand parses them.
    static func hoistingGlobalOptions(_ arguments: [String], _ globalOptions: [String: Int]) -> [String] {
        var hoisted: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard let values = globalOptions[name] else { break }
            let taken = argument.contains("=") ? 1 : 1 + values
            hoisted += arguments[index..<min(arguments.count, index + taken)]
            index += taken
        }
        guard !hoisted.isEmpty else { return arguments }
        var rest = Array(arguments[index...])
        rest.insert(contentsOf: hoisted, at: rest.firstIndex(of: "--") ?? rest.count)
        return rest
    }
}

extension CommandLineMain {
    /// "unknown command 'enumrate'; did you mean 'enumerate'?" for a first argument that is neither an
    /// option nor a subcommand (or alias) but close to one; nil otherwise (ArgumentParser then reports).
    static func unknownSubcommand(_ first: String?, of tool: any ParsableCommand.Type) -> String? {
        let subcommands = tool.configuration.subcommands
        guard let first, !first.hasPrefix("-"), !subcommands.isEmpty else { return nil }
        let names = subcommands.flatMap { [$0._commandName] + $0.configuration.aliases } + ["help"]
        guard !names.contains(first), let meant = ClosestName.find(first, among: names) else { return nil }
        return
            "\(tool._commandName): unknown command '\(first)'; did you mean '\(meant)'? (see \(tool._commandName) --help)"
    }

    /// `--ttl -5s` → `--ttl=-5s`: ArgumentParser takes `-5s` for an option and says the value is missing,
    /// while no option starts with a digit; joined, the value reaches its parser, which says what is wrong.
    static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var joined: [String] = []
        for argument in arguments {
            if argument.count > 1, argument.first == "-", argument.dropFirst().first?.isNumber == true,
                let option = joined.last, option.hasPrefix("--"), !option.contains("="), option != "--"
            {
                joined[joined.count - 1] = option + "=" + argument
            } else {
                joined.append(argument)
            }
        }
        return joined
    }
}

/// One line on standard error. A failed write is dropped: there is nowhere left to report it.
public func printError(_ message: String) {
    let line = Array((message + "\n").utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
