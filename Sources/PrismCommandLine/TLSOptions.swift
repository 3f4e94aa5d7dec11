import ArgumentParser
import PrismClient

/// The options every tool takes for a prismd whose gRPC port speaks TLS. Each file may also come from
/// `$PRISM_TLS_CA`, `$PRISM_TLS_CERT` and `$PRISM_TLS_KEY`, or from the context (`tls_ca`, `tls_cert`,
/// `tls_key`); see ``ConnectionSettings``.
public struct TLSOptions: ParsableArguments, Sendable {
    @Flag(help: "Connect with TLS, trusting the system's CAs (--tls-ca implies TLS).")
    public var tls = false

    @Option(
        name: .customLong("tls-ca"),
        help: ArgumentHelp("The CA that signed prismd's certificate (PEM; default: $PRISM_TLS_CA).", valueName: "file"),
        completion: .file())
    public var ca: String?

    @Option(
        name: .customLong("tls-cert"),
        help: ArgumentHelp(
            "This client's certificate, for mutual TLS (PEM; default: $PRISM_TLS_CERT).", valueName: "file"),
        completion: .file())
    public var certificate: String?

    @Option(
        name: .customLong("tls-key"),
        help: ArgumentHelp("The private key of --tls-cert (PEM; default: $PRISM_TLS_KEY).", valueName: "file"),
        completion: .file())
    public var key: String?

    public init() {}

    /// These options may also come before the subcommand (`prism --tls-ca ca.pem enumerate`).
    public static let globalOptions = ["--tls": 0, "--tls-ca": 1, "--tls-cert": 1, "--tls-key": 1]

    /// TLS as the command line (`options`, nil for a tool without them), then the environment, then
    /// the context ask for it; nil for plain text.
    static func resolve(_ options: TLSOptions?, environment: [String: String], context: ClientContext?) -> ClientTLS? {
        func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let files = ClientTLS(
            caFile: options?.ca ?? variable("PRISM_TLS_CA") ?? context?.tlsCA,
            certificateFile: options?.certificate ?? variable("PRISM_TLS_CERT") ?? context?.tlsCertificate,
            keyFile: options?.key ?? variable("PRISM_TLS_KEY") ?? context?.tlsKey)
        let asked = options?.tls == true || files.caFile != nil || files.certificateFile != nil || files.keyFile != nil
        return asked ? files : nil
    }
}
