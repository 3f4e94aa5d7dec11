import Foundation
import PrismAPI
import PrismRegistry
import Yams

/// Reads prismd's YAML config (DESIGN §4). Everything is checked before anything starts: a wrong key,
/// type, duration or backend stops start-up with the file, line, key path and reason.
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
            .mapping(allowed: ["listen", "http", "data_dir", "log_level", "grpc", "namespaces"])
        var configuration = ServerConfiguration(namespaces: [])
        if let listen = root["listen"] { configuration.listen = try listen.hostAndPort() }
        if let http = root["http"] { configuration.http = try http.hostAndPort() }
        if let dataDirectory = root["data_dir"] { configuration.dataDirectory = try dataDirectory.string() }
        if let logLevel = root["log_level"] {
            let level = try logLevel.string()
            guard LogLevelName.parse(level) != nil else {
                throw logLevel.error("unknown log level '\(level)'; use one of \(LogLevelName.all)")
            }
            configuration.logLevel = level
        }
        if let grpc = root["grpc"] { configuration.grpc = try parseFrontDoor(grpc) }
        guard let namespacesNode = root["namespaces"] else {
            throw ConfigurationError(
                file: file, line: document.mark?.line, keyPath: "namespaces",
                reason: "missing; list at least one namespace")
        }
        let namespaceNodes = try namespacesNode.list()
        guard !namespaceNodes.isEmpty else { throw namespacesNode.error("list at least one namespace") }
        var seen: Set<String> = []
        for node in namespaceNodes {
            let namespace = try parseNamespace(node)
            guard seen.insert(namespace.name).inserted else {
                throw node.error("namespace '\(namespace.name)' is defined twice")
            }
            configuration.namespaces.append(namespace)
        }
        return configuration
    }

    private static func parseFrontDoor(_ node: ConfigNode) throws(ConfigurationError) -> FrontDoorSettings {
        let entries = try node.mapping(allowed: [
            "max_concurrent_streams", "stream_resets_per_second", "keepalive", "keepalive_timeout",
        ])
        var settings = FrontDoorSettings()
        if let node = entries["max_concurrent_streams"] {
            settings.maxConcurrentStreams = try node.integer(in: FrontDoorSettings.maxConcurrentStreamsRange)
        }
        if let node = entries["stream_resets_per_second"] {
            settings.streamResetsPerSecond = try node.integer(in: FrontDoorSettings.streamResetsPerSecondRange)
        }
        for (key, path) in [("keepalive", \FrontDoorSettings.keepalive), ("keepalive_timeout", \.keepaliveTimeout)] {
            guard let node = entries[key] else { continue }
            let value = try node.duration(allowsNone: false) ?? settings[keyPath: path]
            guard value >= .seconds(1) else { throw node.error("must be at least 1s") }
            settings[keyPath: path] = value
        }
        return settings
    }

    private static func parseNamespace(_ node: ConfigNode) throws(ConfigurationError) -> NamespaceConfiguration {
        let entries = try node.mapping(allowed: [
            "name", "pattern", "default_ttl", "max_ttl", "max_identities", "sweep_interval", "indexed_fields", "slots",
        ])
        guard let nameNode = entries["name"] else { throw node.error("missing 'name'") }
        let name = try nameNode.string()
        do {
            try IdentityName.validate(name)
        } catch {
            throw nameNode.error("'\(name)' is not a valid namespace name: \(error.message)")
        }
        guard let slots = entries["slots"] else { throw node.error("missing 'slots' (registry and messaging)") }
        let slotEntries = try slots.mapping(allowed: ["registry", "messaging"])
        guard let registryNode = slotEntries["registry"] else { throw slots.error("missing 'registry'") }
        guard let messagingNode = slotEntries["messaging"] else { throw slots.error("missing 'messaging'") }
        var namespace = NamespaceConfiguration(
            name: name, registry: try parseRegistry(registryNode), messaging: try parseMessaging(messagingNode))
        if case .nats = namespace.messaging, name.contains(".") {
            // The namespace is one token of each subject; with a dot, `a` + `b.c` and `a.b` + `c` would meet.
            throw nameNode.error("'\(name)' cannot use NATS messaging: a namespace name for NATS must not contain '.'")
        }
        if let pattern = entries["pattern"] {
            namespace.pattern = try pattern.string()
            guard NamespaceConfiguration.supportedPatterns.contains(namespace.pattern) else {
                throw pattern.error(
                    "unknown pattern '\(namespace.pattern)'; supported: "
                        + NamespaceConfiguration.supportedPatterns.joined(separator: ", "))
            }
        }
        if let node = entries["default_ttl"] { namespace.defaultTTL = try node.duration(allowsNone: true) }
        if let node = entries["max_ttl"] { namespace.maxTTL = try node.duration(allowsNone: true) }
        if let defaultTTL = namespace.defaultTTL, let maxTTL = namespace.maxTTL, defaultTTL > maxTTL {
            throw (entries["default_ttl"] ?? node).error("default_ttl is above max_ttl")
        }
        if let node = entries["max_identities"] { namespace.maxIdentities = try node.integer(in: 1...100_000_000) }
        if let node = entries["sweep_interval"] {
            let interval = try node.duration(allowsNone: false) ?? .seconds(1)
            guard interval >= .milliseconds(10) else { throw node.error("must be at least 10ms") }
            namespace.sweepInterval = interval
        }
        if let node = entries["indexed_fields"] {
            namespace.indexedFields = try node.list().map { field throws(ConfigurationError) in
                let path = try field.string()
                guard !path.isEmpty, !path.split(separator: ".", omittingEmptySubsequences: false).contains("") else {
                    throw field.error("'\(path)' is not a dotted metadata path such as location.building")
                }
                return path
            }
        }
        return namespace
    }

    private static func parseRegistry(_ node: ConfigNode) throws(ConfigurationError) -> RegistryBackendConfiguration {
        let backend = try backendName(node, supported: RegistryBackendConfiguration.supported, slot: "registry")
        switch backend {
        case "memory":
            _ = try node.mapping(allowed: ["backend"])
            return .memory
        case "redis":
            let entries = try node.mapping(allowed: ["backend", "address", "connections"])
            guard let address = entries["address"] else {
                throw node.error("missing 'address' (HOST:PORT of the Redis server)")
            }
            return .redis(
                address: try address.hostAndPort(),
                connections: try entries["connections"]?.integer(in: 1...256) ?? 4)
        default:
            let entries = try node.mapping(allowed: ["backend", "path"])
            return .sqlite(path: try entries["path"]?.string())
        }
    }

    private static func parseMessaging(_ node: ConfigNode) throws(ConfigurationError) -> MessagingBackendConfiguration {
        let backend = try backendName(node, supported: MessagingBackendConfiguration.supported, slot: "messaging")
        guard backend == "nats" else {
            _ = try node.mapping(allowed: ["backend"])
            return .inproc
        }
        let entries = try node.mapping(allowed: ["backend", "servers", "prefix"])
        guard let serversNode = entries["servers"] else {
            throw node.error("missing 'servers' (a list of NATS URLs such as nats://127.0.0.1:4222)")
        }
        let servers = try serversNode.list().map { server throws(ConfigurationError) in
            let url = try server.string()
            guard let rest = url.split(separator: "://", maxSplits: 1).last, HostAndPort(String(rest)) != nil,
                !url.contains("://") || url.hasPrefix("nats://") || url.hasPrefix("tls://")
            else {
                throw server.error("'\(url)' is not a NATS server URL such as nats://127.0.0.1:4222")
            }
            return url.contains("://") ? url : "nats://" + url
        }
        guard !servers.isEmpty else { throw serversNode.error("give at least one NATS server") }
        let prefix = try entries["prefix"]?.string() ?? "prism.multicast"
        let tokens = prefix.split(separator: ".", omittingEmptySubsequences: false)
        let printable = prefix.utf8.allSatisfy { (0x21...0x7E).contains($0) }
        guard printable, !tokens.contains(where: { $0.isEmpty || $0.contains(where: { "*>".contains($0) }) }) else {
            throw (entries["prefix"] ?? node).error(
                "'\(prefix)' is not a NATS subject prefix: dot-separated tokens of printable ASCII without wildcards")
        }
        return .nats(servers: servers, subjectPrefix: prefix)
    }

    private static func backendName(_ node: ConfigNode, supported: [String], slot: String) throws(ConfigurationError)
        -> String
    {
        let entries = try node.mapping(allowed: ["backend", "path", "address", "connections", "servers", "prefix"])
        guard let backendNode = entries["backend"] else {
            throw node.error("missing 'backend'; supported \(slot) backends: \(supported.joined(separator: ", "))")
        }
        let backend = try backendNode.string()
        guard supported.contains(backend) else {
            throw backendNode.error(
                "unknown \(slot) backend '\(backend)'; supported \(slot) backends: \(supported.joined(separator: ", "))"
            )
        }
        return backend
    }
}
