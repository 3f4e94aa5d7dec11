import PrismAPI
import PrismRegistry

extension ServerConfiguration {
    /// Everything a configuration must satisfy, however it was built: from YAML, in code by an embedder
    /// or a test, or changed by prismd's flags. ``PrismDaemon/run(signals:onListening:)`` calls it before
    /// anything starts, so a configuration that skipped the loader is refused the same way.
    /// - Parameters:
    ///   - file: named in the error (the YAML file, or "configuration" for one built in code).
    ///   - line: the line of a key path in that file, when there is one.
    public func validate(file: String = "configuration", line: (String) -> Int? = { _ in nil })
        throws(ConfigurationError)
    {
        func refuse(_ keyPath: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(file: file, line: line(keyPath), keyPath: keyPath, reason: reason)
        }
        try grpc.validate(refuse)
        guard !namespaces.isEmpty else { throw refuse("namespaces", "list at least one namespace") }
        var seen: Set<String> = []
        for (index, namespace) in namespaces.enumerated() {
            let keyPath = "namespaces[\(index)]"
            // Two namespaces of one name would leave the second unreachable and its backends still opened.
            guard seen.insert(namespace.name).inserted else {
                throw refuse("\(keyPath).name", "namespace '\(namespace.name)' is defined twice")
            }
            try namespace.validate { refuse("\(keyPath).\($0)", $1) }
        }
    }
}

extension FrontDoorSettings {
    func validate(_ refuse: (String, String) -> ConfigurationError) throws(ConfigurationError) {
        guard Self.maxConcurrentStreamsRange.contains(maxConcurrentStreams) else {
            throw refuse(
                "grpc.max_concurrent_streams", "\(maxConcurrentStreams) is outside \(Self.maxConcurrentStreamsRange)")
        }
        guard Self.streamResetsPerSecondRange.contains(streamResetsPerSecond) else {
            throw refuse(
                "grpc.stream_resets_per_second",
                "\(streamResetsPerSecond) is outside \(Self.streamResetsPerSecondRange)")
        }
        for (key, value) in [("keepalive", keepalive), ("keepalive_timeout", keepaliveTimeout)]
        where value < .seconds(1) {
            throw refuse("grpc.\(key)", "must be at least 1s")
        }
    }
}

extension NamespaceConfiguration {
    public static let maxIdentitiesRange = 1...100_000_000
    public static let minimumSweepInterval = Duration.milliseconds(10)

    /// `refuse` takes a key path below the namespace (`default_ttl`, `slots.messaging.prefix`).
    func validate(_ refuse: (String, String) -> ConfigurationError) throws(ConfigurationError) {
        do {
            try IdentityName.validate(name)
        } catch {
            throw refuse("name", "'\(name)' is not a valid namespace name: \(error.message)")
        }
        guard Self.supportedPatterns.contains(pattern) else {
            throw refuse(
                "pattern", "unknown pattern '\(pattern)'; supported: \(Self.supportedPatterns.joined(separator: ", "))")
        }
        for (key, ttl) in [("default_ttl", defaultTTL), ("max_ttl", maxTTL)] {
            if let ttl, ttl <= .zero { throw refuse(key, "must be above zero, or none") }
        }
        if let defaultTTL, let maxTTL, defaultTTL > maxTTL {
            throw refuse("default_ttl", "default_ttl is above max_ttl")
        }
        if let maxIdentities, !Self.maxIdentitiesRange.contains(maxIdentities) {
            throw refuse("max_identities", "\(maxIdentities) is outside \(Self.maxIdentitiesRange)")
        }
        guard sweepInterval >= Self.minimumSweepInterval else {
            throw refuse("sweep_interval", "must be at least 10ms")
        }
        for (index, path) in (indexedFields ?? []).enumerated()
        where path.isEmpty || path.split(separator: ".", omittingEmptySubsequences: false).contains("") {
            throw refuse(
                "indexed_fields[\(index)]", "'\(path)' is not a dotted metadata path such as location.building")
        }
        if case .nats = messaging, name.contains(".") {
            // The namespace is one token of each subject; with a dot, `a` + `b.c` and `a.b` + `c` would meet.
            throw refuse("name", "'\(name)' cannot use NATS messaging: a namespace name for NATS must not contain '.'")
        }
        try registry.validate { refuse("slots.registry.\($0)", $1) }
        try messaging.validate { refuse("slots.messaging.\($0)", $1) }
    }
}

extension RegistryBackendConfiguration {
    public static let connectionsRange = 1...256

    func validate(_ refuse: (String, String) -> ConfigurationError) throws(ConfigurationError) {
        switch self {
        case .memory: break
        case .sqlite(let path):
            if path?.isEmpty == true { throw refuse("path", "expected a directory, found nothing") }
        case .redis(let address, let connections):
            guard BackendSupport.redis else { throw refuse("backend", BackendSupport.missing(.redis)) }
            guard address.port != 0 else { throw refuse("address", "'\(address)' needs a port other than 0") }
            guard Self.connectionsRange.contains(connections) else {
                throw refuse("connections", "\(connections) is outside \(Self.connectionsRange)")
            }
        }
    }
}

extension MessagingBackendConfiguration {
    func validate(_ refuse: (String, String) -> ConfigurationError) throws(ConfigurationError) {
        switch self {
        case .inproc: break
        case .nats(let servers, let prefix):
            guard BackendSupport.nats else { throw refuse("backend", BackendSupport.missing(.nats)) }
            guard !servers.isEmpty else { throw refuse("servers", "give at least one NATS server") }
            for (index, url) in servers.enumerated() where Self.natsServerURL(url) == nil {
                throw refuse("servers[\(index)]", "'\(url)' is not a NATS server URL such as nats://127.0.0.1:4222")
            }
            let tokens = prefix.split(separator: ".", omittingEmptySubsequences: false)
            let printable = prefix.utf8.allSatisfy { (0x21...0x7E).contains($0) }
            guard printable, !tokens.contains(where: { $0.isEmpty || $0.contains(where: { "*>".contains($0) }) }) else {
                throw refuse(
                    "prefix",
                    "'\(prefix)' is not a NATS subject prefix: dot-separated tokens of printable ASCII without wildcards"
                )
            }
        }
    }

    /// `nats://HOST:PORT`, `tls://HOST:PORT` or a bare `HOST:PORT` (read as nats://); nil otherwise.
    static func natsServerURL(_ text: String) -> String? {
        guard let rest = text.split(separator: "://", maxSplits: 1).last, HostAndPort(String(rest)) != nil,
            !text.contains("://") || text.hasPrefix("nats://") || text.hasPrefix("tls://")
        else { return nil }
        return text.contains("://") ? text : "nats://" + text
    }
}

/// Which optional backends this build of PrismServer has (package traits `Redis` and `NATS`).
public enum BackendSupport {
    #if Redis
        public static let redis = true
    #else
        public static let redis = false
    #endif
    #if NATS
        public static let nats = true
    #else
        public static let nats = false
    #endif

    enum Optional: String { case redis = "Redis", nats = "NATS" }

    static func missing(_ backend: Optional) -> String {
        "this build of PrismServer has no \(backend.rawValue) support (package trait \(backend.rawValue))"
    }
}
