import Foundation
import PrismClient

/// Where a tool connects, decided in this order: the command line, then `$PRISM_SERVER` and
/// `$PRISM_NAMESPACE`, then the context (`--context`, `$PRISM_CONTEXT`, or the file's
/// `current-context`), then the built-in defaults.
///
/// ```swift
/// let settings = try ConnectionSettings.resolve(server: server, namespace: namespace, context: context)
/// try await PrismClient.with(server: settings.server, namespace: settings.namespace) { … }
/// ```
public struct ConnectionSettings: Sendable {
    public var server: String
    public var namespace: String
    /// The context's timeout, when the command line gives none; nil leaves it to the tool.
    public var timeout: Duration?
    /// The context these came from, if any.
    public var context: ClientContext?

    /// - Parameters:
    ///   - server, namespace, timeout, context: what the command line says (nil when it says nothing).
    ///   - defaultNamespace: the tool's own default (`iot` for the simulator's fleet).
    /// - Throws: ``ContextFileError`` for a malformed file or a context name that is not in it.
    public static func resolve(
        server: String?, namespace: String?, timeout: Duration? = nil, context: String?,
        defaultNamespace: String = "default",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ContextFileError) -> ConnectionSettings {
        func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let file = try ContextFile.load(environment: environment)
        let chosen =
            if let context {
                try file.selectedContext(named: context)
            } else {
                try file.selectedContext(named: variable("PRISM_CONTEXT"), source: "$PRISM_CONTEXT")
            }
        return ConnectionSettings(
            server: server ?? variable("PRISM_SERVER") ?? chosen?.server ?? PrismClient.defaultServer,
            namespace: namespace ?? variable("PRISM_NAMESPACE") ?? chosen?.namespace ?? defaultNamespace,
            timeout: timeout ?? chosen?.timeout, context: chosen)
    }
}
