import ArgumentParser
import PrismCommandLine
import PrismFilter

struct FilterCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a filter and print its canonical text form.",
        discussion: """
            On an error prints the position, the reason and a caret under the offending spot, and exits 2:
              $ prism filter check 'floor =='
              1:9: expected a value after '==', found end of input
                floor ==
                        ^
            """
    )

    @Argument(help: "The filter: text form, or map form when it starts with '{'.")
    var expression: String

    func run() throws {
        Output.line("\(try FilterDiagnostics.compile(expression))")
        for warning in MapFormLint.warnings(expression) { printError("prism: warning: filter \(warning)") }
    }
}
