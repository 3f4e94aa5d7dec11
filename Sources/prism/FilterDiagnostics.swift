import ArgumentParser
import Foundation
import PrismCommandLine
import PrismFilter

/// Reporting filter errors the same way in every command: the diagnostic with its caret on stderr
/// and exit status 2, which scripts can tell apart from a `false` result or a failed test.
enum FilterDiagnostics {
    static let invalidInput = ExitCode(2)

    static func compile(_ source: String) throws -> Filter {
        do {
            return try Filter(source)
        } catch {
            throw fail(error.diagnostic(source: source))
        }
    }

    static func fail(_ message: String) -> ExitCode {
        printError(message)
        return invalidInput
    }
}
