import ArgumentParser
import Foundation
import PrismClient
import PrismCommandLine
import PrismFilter
import PrismTop

@main
struct PrismTopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prism-top",
        abstract: "A live dashboard of a prismd: namespaces, identities and multicasts.",
        discussion: """
            Interactive on a terminal (q quit, ? help, / filter, c columns, < > sort, r reverse, p pause, \
            Enter details or follow a namespace, 1 2 3 views).

            Batch mode when stdout is not a terminal, or with --once or -n: plain text without escape codes \
            (every view, or only --view's), or --output json (one object per refresh).

            Exit codes: 0 ok, 1 --fail-on matched, 2 bad usage, 3 prismd unreachable.
            """,
        version: PrismVersion.text)

    @Option(
        help: ArgumentHelp(
            "prismd's gRPC address (default: $PRISM_SERVER, the context's, or 127.0.0.1:8980).",
            valueName: "host:port"))
    var server: String?

    @Option(
        help: ArgumentHelp(
            "The namespace whose identities and multicasts are followed (default: $PRISM_NAMESPACE, the "
                + "context's, or \"default\").",
            valueName: "name"))
    var namespace: String?

    @Option(
        help: ArgumentHelp(
            "The context whose server and namespace to use (default: $PRISM_CONTEXT, or the current context; "
                + "see prism context).",
            valueName: "name"),
        completion: ContextFile.nameCompletion)
    var context: String?

    @Option(
        name: .customShort("d"),
        help: ArgumentHelp(
            "Time between refreshes, at least 250ms (default 1s): a duration as everywhere in Prism (2s, "
                + "500ms), or, as in top, a number of seconds (2, 0.5).",
            valueName: "delay"),
        transform: Self.delay)
    var delay = 1.0

    /// A duration, or top's bare seconds.
    static func delay(_ text: String) throws -> Double {
        if let seconds = Double(text), seconds.isFinite { return seconds }
        return try DurationArgument.parse(text) / .seconds(1)
    }

    @Option(help: "The view to start in (default: patterns); in batch text, the only view printed.")
    var view: TopView?

    @Option(
        help: ArgumentHelp(
            "Metadata fields shown as Identities columns of their own, comma-separated; dotted paths reach "
                + "into objects (floor,type,location.building).",
            valueName: "fields"))
    var columns: String?

    @Option(
        help: "The column to sort the starting view by (its title, e.g. identities or ttl, or a --columns field).")
    var sort: String?

    @Option(help: "A filter-language expression for the Identities view.")
    var filter = ""

    @Flag(help: "No colours (also when $NO_COLOR is set).")
    var noColor = false

    @Flag(help: "ASCII symbols instead of ✓ ! ✗ (automatic when the locale is not UTF-8).")
    var ascii = false

    @Flag(help: "Batch mode: print one frame and exit.")
    var once = false

    @Option(name: .customShort("n"), help: "Batch mode: print N frames, one per refresh, then exit.")
    var iterations: Int?

    @Option(help: "Batch output.")
    var output: BatchFormat = .text

    @Option(help: "With --once or -n: exit 1 when a namespace is at least this bad.")
    var failOn: FailOn?

    @OptionGroup(title: "TLS") var tls: TLSOptions

    static func main() async { await CommandLineMain.run(Self.self) }

    func validate() throws {
        guard delay >= 0.25 else { throw ValidationError("-d must be at least 0.25 seconds, got \(delay)") }
        if let iterations, iterations < 1 { throw ValidationError("-n must be at least 1") }
        if !filter.isEmpty {
            do {
                _ = try Filter(filter)
            } catch {
                throw ValidationError("--filter: column \(error.column): \(error.message)")
            }
        }
    }

    func run() async throws {
        let settings: ConnectionSettings
        do {
            settings = try ConnectionSettings.resolve(server: server, namespace: namespace, context: context, tls: tls)
        } catch {
            printError("prism-top: \(error)")
            throw ExitCode(2)
        }
        do {
            // The Watch stream and the connection end cleanly on every way out, before the process exits.
            try await SnapshotSource.with(server: settings.server, namespace: settings.namespace, tls: settings.tls) {
                source in
                try await run(with: source, server: settings.server, namespace: settings.namespace)
            }
        } catch let error as PrismClientError {
            throw ValidationError(error.description)
        }
    }

    private func run(with source: SnapshotSource, server: String, namespace: String) async throws {
        let plain = ascii || !CursesScreen.localeIsUTF8
        var state = TopState(
            server: server, namespace: namespace, interval: delay, now: Date().timeIntervalSince1970,
            view: view ?? .patterns, filter: filter, ascii: plain,
            color: !noColor && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) != false)
        state.metadataColumns = TopReducer.parseColumns(columns ?? "")
        if let sort { try applySort(sort, to: &state) }
        let batch = once || iterations != nil || isatty(STDOUT_FILENO) == 0
        if !batch, let screen = CursesScreen(color: state.color) {
            await InteractiveLoop.run(state: state, source: source, screen: screen)
            return
        }
        let outcome = await BatchRunner.run(
            state: state, source: source, format: output,
            iterations: once ? 1 : iterations, failOn: failOn?.level, onlyView: view)
        switch outcome {
        case .ok: return
        case .unhealthy: throw ExitCode(1)
        case .unreachable(let reason):
            printError("prism-top: cannot reach prismd at \(server): \(reason)")
            throw ExitCode(3)
        case .refused(let reason):
            printError("prism-top: \(reason)")
            throw ExitCode(1)
        }
    }
}

extension PrismTopCommand {
    /// Sorts the starting view by the column titled `name`. A `--columns` field sorts the Identities
    /// view, so `--columns floor --sort floor` needs no `--view identities`.
    fileprivate func applySort(_ name: String, to state: inout TopState) throws {
        var sortView = state.view
        if view == nil, TopColumns.index(of: name, in: sortView, of: state) == nil,
            TopColumns.index(of: name, in: .identities, of: state) != nil
        {
            sortView = .identities
        }
        guard let index = TopColumns.index(of: name, in: sortView, of: state) else {
            throw ValidationError(
                "--sort: no column '\(name)' in \(state.view.rawValue); columns: "
                    + TopColumns.titles(of: state.view, in: state).joined(separator: ", ").lowercased())
        }
        state.sortColumn[sortView] = index
    }
}

/// How bad a namespace must be for `--fail-on` to exit 1.
enum FailOn: String, CaseIterable, ExpressibleByArgument {
    case degraded, unhealthy

    var level: HealthLevel { self == .degraded ? .degraded : .unhealthy }
}

extension TopView: ExpressibleByArgument {}
extension BatchFormat: ExpressibleByArgument {}
