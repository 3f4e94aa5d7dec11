import Foundation
import PrismAPI
import PrismRegistry
import Yams

/// Reads prismd's YAML config (DESIGN §4). Everything is checked before anything starts: a wrong key,
/// type, duration or backend stops start-up with the file, line, key path and reason. The loader reads
/// keys and types; what the values must satisfy is ``ServerConfiguration/validate(file:line:)``, which
/// it calls with the lines of the file, and which configurations built in code go through too.
///
/// ```yaml
/// listen: 127.0.0.1:8980
/// http: 127.0.0.1:9464
/// data_dir: ./.prism
/// namespaces:
///   - name: iot
///     pattern: multicast-registry
///     default_ttl: 30s
///     max_ttl: 1h
///     slots:
///       registry:  { backend: sqlite }
///       messaging: { backend: inproc }
/// ```
///
/// Shared backends: `registry: { backend: redis, address: 127.0.0.1:6379, connections: 4 }` and
/// `messaging: { backend: nats, servers: [nats://127.0.0.1:4222], prefix: prism.multicast }`.
public enum ConfigurationLoader {
    public static func load(file path: String) throws(ConfigurationError) -> ServerConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(
                file: path, keyPath: "", reason: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> ServerConfiguration {
        let document: Node?
        do {
            document = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError(file: file, keyPath: "", reason: "not valid YAML: \(error)")
        }
        guard let document else { throw ConfigurationError(file: file, keyPath: "", reason: "the file is empty") }
        let root = try ConfigNode(node: document, keyPath: "", file: file)
            .mapping(allowed: ["listen", "http", "data_dir", "log_level", "grpc", "tls", "namespaces"])
        var configuration = ServerConfiguration(namespaces: [])
        if let listen = root["listen"] { configuration.listen = try listen.hostAndPort() }
        if let http = root["http"] { configuration.http = try http.hostAndPort() }
        if let dataDirectory = root["data_dir"] { configuration.dataDirectory = try dataDirectory.string() }
        if let logLevel = root["log_level"] {
            let level = try logLevel.string()
            guard let parsed = LogLevelName.parse(level) else {
                throw logLevel.error("unknown log level '\(level)'; use one of \(LogLevelName.all)")
            }
            configuration.logLevel = parsed
        }
        if let grpc = root["grpc"] { configuration.grpc = try parseFrontDoor(grpc) }
        if let tls = root["tls"] { configuration.tls = try parseTLS(tls) }
        guard let namespacesNode = root["namespaces"] else {
            throw ConfigurationError(
                file: file, line: document.mark?.line, keyPath: "namespaces",
                reason: "missing; list at least one namespace")
        }
        configuration.namespaces = try namespacesNode.list().map(parseNamespace)
        try configuration.validate(file: file) { keyPath in line(of: keyPath, in: document) }
        return configuration
    }

    /// The line of `keyPath` (`namespaces[1].slots.registry.backend`) in the document, or of the
    /// deepest part of it that is there.
    private static func line(of keyPath: String, in document: Node) -> Int? {
        var node = document
        for part in keyPath.split(separator: ".") {
            let key = part.prefix { $0 != "[" }
            let indexes = part.dropFirst(key.count).split(separator: "[").compactMap { Int($0.dropLast()) }
            guard let value = node.mapping?.first(where: { $0.key.scalar?.string == String(key) })?.value else { break }
            node = value
            for index in indexes {
                guard let items = node.sequence, items.indices.contains(index) else { break }
                node = items[index]
            }
        }
        return node.mark?.line
    }

    private static func parseFrontDoor(_ node: ConfigNode) throws(ConfigurationError) -> FrontDoorSettings {
        let entries = try node.mapping(allowed: [
            "max_concurrent_streams", "stream_resets_per_second", "keepalive", "keepalive_timeout", "reflection",
        ])
        var settings = FrontDoorSettings()
        if let node = entries["max_concurrent_streams"] { settings.maxConcurrentStreams = try node.integer() }
        if let node = entries["stream_resets_per_second"] { settings.streamResetsPerSecond = try node.integer() }
        if let node = entries["reflection"] { settings.reflection = try node.boolean() }
        for (key, path) in [("keepalive", \FrontDoorSettings.keepalive), ("keepalive_timeout", \.keepaliveTimeout)] {
            guard let node = entries[key] else { continue }
            settings[keyPath: path] = try node.duration(allowsNone: false) ?? settings[keyPath: path]
        }
        return settings
    }

    private static func parseTLS(_ node: ConfigNode) throws(ConfigurationError) -> TLSSettings {
        let entries = try node.mapping(allowed: ["cert", "key", "client_ca"])
        guard let certificate = entries["cert"] else {
            throw node.error("missing 'cert' (the server's PEM certificate)")
        }
        guard let key = entries["key"] else { throw node.error("missing 'key' (the PEM private key of 'cert')") }
        return TLSSettings(
            certificateFile: try certificate.string(), keyFile: try key.string(),
            clientCAFile: try entries["client_ca"]?.string())
    }

    private static func parseNamespace(_ node: ConfigNode) throws(ConfigurationError) -> NamespaceConfiguration {
        let entries = try node.mapping(allowed: [
            "name", "pattern", "default_ttl", "max_ttl", "max_identities", "sweep_interval", "indexed_fields", "slots",
        ])
        guard let nameNode = entries["name"] else { throw node.error("missing 'name'") }
        let name = try nameNode.string()
        guard let slots = entries["slots"] else { throw node.error("missing 'slots' (registry and messaging)") }
        let slotEntries = try slots.mapping(allowed: ["registry", "messaging"])
        guard let registryNode = slotEntries["registry"] else { throw slots.error("missing 'registry'") }
        guard let messagingNode = slotEntries["messaging"] else { throw slots.error("missing 'messaging'") }
        var namespace = NamespaceConfiguration(
            name: name, registry: try parseRegistry(registryNode), messaging: try parseMessaging(messagingNode))
        if let pattern = entries["pattern"] { namespace.pattern = try pattern.string() }
        if let node = entries["default_ttl"] { namespace.defaultTTL = try node.duration(allowsNone: true) }
        if let node = entries["max_ttl"] { namespace.maxTTL = try node.duration(allowsNone: true) }
        if let node = entries["max_identities"] { namespace.maxIdentities = try node.integer() }
        if let node = entries["sweep_interval"] {
            namespace.sweepInterval = try node.duration(allowsNone: false) ?? namespace.sweepInterval
        }
        if let node = entries["indexed_fields"] {
            namespace.indexedFields = try node.list().map { field throws(ConfigurationError) in try field.string() }
        }
        return namespace
    }

    private static func parseRegistry(_ node: ConfigNode) throws(ConfigurationError) -> RegistryBackendConfiguration {
        switch try backendKind(RegistryBackendKind.self, node, slot: "registry") {
        case .memory:
            _ = try node.mapping(allowed: ["backend"])
            return .memory
        case .redis:
            let entries = try node.mapping(allowed: ["backend", "address", "connections"])
            guard let address = entries["address"] else {
                throw node.error("missing 'address' (HOST:PORT of the Redis server)")
            }
            return .redis(address: try address.hostAndPort(), connections: try entries["connections"]?.integer() ?? 4)
        case .sqlite:
            let entries = try node.mapping(allowed: ["backend", "path"])
            return .sqlite(path: try entries["path"]?.string())
        }
    }

    private static func parseMessaging(_ node: ConfigNode) throws(ConfigurationError) -> MessagingBackendConfiguration {
        switch try backendKind(MessagingBackendKind.self, node, slot: "messaging") {
        case .inproc:
            _ = try node.mapping(allowed: ["backend"])
            return .inproc
        case .nats:
            let entries = try node.mapping(allowed: ["backend", "servers", "prefix"])
            guard let serversNode = entries["servers"] else {
                throw node.error("missing 'servers' (a list of NATS URLs such as nats://127.0.0.1:4222)")
            }
            // A bare HOST:PORT is read as nats://; what is not a URL is left for validate() to name.
            let servers = try serversNode.list().map { server throws(ConfigurationError) in
                let url = try server.string()
                return MessagingBackendConfiguration.natsServerURL(url) ?? url
            }
            return .nats(servers: servers, subjectPrefix: try entries["prefix"]?.string() ?? "prism.multicast")
        }
    }

    private static func backendKind<Kind: RawRepresentable<String> & CaseIterable>(
        _ kind: Kind.Type, _ node: ConfigNode, slot: String
    ) throws(ConfigurationError) -> Kind {
        let supported = Kind.allCases.map(\.rawValue).joined(separator: ", ")
        let entries = try node.mapping(allowed: ["backend", "path", "address", "connections", "servers", "prefix"])
        guard let backendNode = entries["backend"] else {
            throw node.error("missing 'backend'; supported \(slot) backends: \(supported)")
        }
        let backend = try backendNode.string()
        guard let kind = Kind(rawValue: backend) else {
            throw backendNode.error("unknown \(slot) backend '\(backend)'; supported \(slot) backends: \(supported)")
        }
        return kind
    }
}
