import ArgumentParser
import Foundation

/// The `main()` of Prism's command-line tools. ArgumentParser exits 64 on usage errors; the tools
/// promise 2, like the invalid-input errors they report themselves.
///
/// ```
/// @main struct Tool: AsyncParsableCommand {
///     static func main() async { await CommandLineMain.run(Self.self) }
/// }
/// ```
public enum CommandLineMain {
    public static func run(_ tool: any AsyncParsableCommand.Type) async {
        do {
            var command = try tool.parseAsRoot()
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

/// One line on standard error. A failed write is dropped: there is nowhere left to report it.
public func printError(_ message: String) {
    let line = Array((message + "\n").utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
