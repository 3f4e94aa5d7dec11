import ArgumentParser
import Foundation
import Logging
import PrismAPI
import PrismCommandLine
import PrismServer

@main
struct Prismd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prismd",
        abstract: "Prism's multicast registry server: gRPC API, /metrics, /healthz, /readyz.",
        usage: "prismd [--config <file>] [<options>]",
        discussion: """
            Without --config it runs the embedded default: namespace "default", registry sqlite in \
            --data-dir (./.prism), messaging inproc. Flags override the config file's values. Each flag can \
            also come from the environment: PRISM_CONFIG, PRISM_LISTEN, PRISM_HTTP, PRISM_DATA_DIR, \
            PRISM_LOG_LEVEL (a flag given on the command line wins).

            SIGINT or SIGTERM shut down gracefully: streams end, calls in flight finish, databases close.
            """,
        version: PrismVersion.text
    )

    @Option(name: .long, help: ArgumentHelp("YAML config file.", valueName: "file"), completion: .file())
    var config: String?

    @Option(
        name: .long,
        help: ArgumentHelp("gRPC address (default 127.0.0.1:8980; port 0 picks a free one).", valueName: "host:port"))
    var listen: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "HTTP address for /metrics, /healthz, /readyz (default 127.0.0.1:9464).", valueName: "host:port"))
    var http: String?

    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp("Where SQLite namespaces keep their data (default ./.prism).", valueName: "dir"))
    var dataDirectory: String?

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (default info).", valueName: "level")
    )
    var logLevel: String?

    /// A flag's value, or else its environment variable's (named in errors, so a bad one can be found).
    private func setting(_ flag: String, _ value: String?, _ variable: String) -> (source: String, value: String)? {
        if let value { return (flag, value) }
        return ProcessInfo.processInfo.environment[variable].map { ("$\(variable)", $0) }
    }

    private var listenSetting: (source: String, value: String)? { setting("--listen", listen, "PRISM_LISTEN") }
    private var httpSetting: (source: String, value: String)? { setting("--http", http, "PRISM_HTTP") }
    private var logLevelSetting: (source: String, value: String)? {
        setting("--log-level", logLevel, "PRISM_LOG_LEVEL")
    }

    func validate() throws {
        for setting in [listenSetting, httpSetting].compactMap(\.self) where HostAndPort(setting.value) == nil {
            throw ValidationError("\(setting.source) '\(setting.value)' is not HOST:PORT (e.g. 127.0.0.1:8980)")
        }
        if let setting = logLevelSetting, LogLevelName.parse(setting.value) == nil {
            throw ValidationError("\(setting.source) '\(setting.value)' is unknown; use one of \(LogLevelName.all)")
        }
    }

    func run() async throws {
        var configuration: ServerConfiguration
        if let config = setting("--config", config, "PRISM_CONFIG")?.value {
            do {
                configuration = try ConfigurationLoader.load(file: config)
            } catch {
                printError("prismd: invalid config: \(error)")
                throw ExitCode(2)
            }
        } else {
            configuration = .embeddedDefault()
        }
        if let listen = listenSetting?.value { configuration.listen = HostAndPort(listen)! }
        if let http = httpSetting?.value { configuration.http = HostAndPort(http)! }
        if let dataDirectory = setting("--data-dir", dataDirectory, "PRISM_DATA_DIR")?.value {
            configuration.dataDirectory = dataDirectory
        }
        if let logLevel = logLevelSetting?.value { configuration.logLevel = LogLevelName.parse(logLevel) }
        let level = configuration.logLevel ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "prismd")
        let namespaces = configuration.namespaces.map(\.name).joined(separator: ",")
        let daemon = PrismDaemon(configuration: configuration, logger: logger) { addresses in
            let line = "prismd listening grpc=\(addresses.grpc) http=\(addresses.http) namespaces=\(namespaces)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        do {
            try await daemon.runService(signals: [.sigterm, .sigint])
        } catch let error as StartupError {
            printError("prismd: \(error)")
            throw ExitCode(1)
        } catch let error as ConfigurationError {
            printError("prismd: invalid config: \(error)")
            throw ExitCode(2)
        }
    }
}
