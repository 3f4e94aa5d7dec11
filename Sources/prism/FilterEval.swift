import ArgumentParser
import PrismFilter

struct FilterEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a filter against one identity's metadata; prints true or false.",
        discussion: """
            prism filter eval 'battery < 0.2' --metadata '{"type": "sensor", "battery": 0.1}'

            An invalid filter or metadata prints the error to stderr and exits with status 2.
            """
    )

    @Argument(help: "The filter: text form, or map form when it starts with '{'.")
    var expression: String

    @Option(help: "The identity's metadata as a JSON object.")
    var metadata: String = "{}"

    @Option(name: .customLong("id"), help: "The identity's name, which '@id' refers to.")
    var identity: String = "test"

    func run() throws {
        let filter = try FilterDiagnostics.compile(expression)
        let values: Value
        do {
            values = try Value(json: metadata)
        } catch {
            throw FilterDiagnostics.fail("--metadata: \(error.diagnostic(source: metadata))")
        }
        guard case .object = values else {
            throw FilterDiagnostics.fail("--metadata must be a JSON object, found \(values.typeName)")
        }
        Output.line("\(filter.matches(json: values, identity: identity))")
    }
}
