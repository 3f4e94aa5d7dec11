import ArgumentParser
import Foundation
import PrismCommandLine
import PrismFilter

/// `--filter EXPR` or `--filter-file F`, checked here first so that a typo gets the same caret
/// diagnostic as `prism filter check` (exit 2) without a round trip.
struct FilterArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Filter expression (text or map-form JSON).", valueName: "expr"))
    var filter: String?

    @Option(
        name: .customLong("filter-file"),
        help: ArgumentHelp("Read the filter from a file (e.g. filters/*.filter).", valueName: "file"),
        completion: .file())
    var filterFile: String?

    func validate() throws {
        if filter != nil, filterFile != nil { throw ValidationError("give --filter or --filter-file, not both") }
    }

    /// The filter text, or nil when none was given.
    func text() throws -> String? {
        var source = filter
        if let filterFile {
            do {
                source = FilterSource.stripComments(try String(contentsOfFile: filterFile, encoding: .utf8))
            } catch {
                throw CommandFailure.invalid("cannot read --filter-file \(filterFile): \(error.localizedDescription)")
            }
        }
        guard let source else { return nil }
        _ = try FilterDiagnostics.compile(source)
        for warning in MapFormLint.warnings(source) { printError("prism: warning: filter \(warning)") }
        return source
    }
}
