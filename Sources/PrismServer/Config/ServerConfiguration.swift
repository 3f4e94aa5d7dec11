import Logging
import PrismAPI
import PrismRegistry

/// What prismd runs: where it listens and its namespaces. Built from YAML by ``ConfigurationLoader`` or
/// from ``embeddedDefault(dataDirectory:)`` when no file is given.
public struct ServerConfiguration: Sendable, Equatable {
    public static let defaultListen = HostAndPort(host: "127.0.0.1", port: 8980)
    public static let defaultHTTP = HostAndPort(host: "127.0.0.1", port: 9464)
    public static let defaultDataDirectory = ".prism"

    public var listen: HostAndPort
    public var http: HostAndPort
    /// Where SQLite namespaces keep their databases unless a slot names its own path.
    public var dataDirectory: String
    /// nil leaves it to prismd (info).
    public var logLevel: Logger.Level?
    /// Limits and keepalive of the gRPC port.
    public var grpc: FrontDoorSettings
    /// nil: the gRPC port speaks plain text.
    public var tls: TLSSettings?
    public var namespaces: [NamespaceConfiguration]

    public init(
        listen: HostAndPort = Self.defaultListen, http: HostAndPort = Self.defaultHTTP,
        dataDirectory: String = Self.defaultDataDirectory, logLevel: Logger.Level? = nil,
        grpc: FrontDoorSettings = FrontDoorSettings(), tls: TLSSettings? = nil, namespaces: [NamespaceConfiguration]
    ) {
        self.listen = listen
        self.http = http
        self.grpc = grpc
        self.tls = tls
        self.dataDirectory = dataDirectory
        self.logLevel = logLevel
        self.namespaces = namespaces
    }

    /// One namespace `default`: SQLite in the data directory, in-process messaging.
    public static func embeddedDefault(dataDirectory: String = defaultDataDirectory) -> ServerConfiguration {
        ServerConfiguration(
            dataDirectory: dataDirectory,
            namespaces: [NamespaceConfiguration(name: "default", registry: .sqlite(path: nil), messaging: .inproc)])
    }
}

public struct NamespaceConfiguration: Sendable, Equatable {
    public static let supportedPatterns = ["multicast-registry"]

    public var name: String
    public var pattern: String
    public var defaultTTL: Duration?
    public var maxTTL: Duration?
    public var maxIdentities: Int?
    public var sweepInterval: Duration
    /// Dotted metadata paths to index; `nil` lets the memory registry choose by itself.
    public var indexedFields: [String]?
    public var registry: RegistryBackendConfiguration
    public var messaging: MessagingBackendConfiguration

    public init(
        name: String, pattern: String = "multicast-registry", defaultTTL: Duration? = nil, maxTTL: Duration? = nil,
        maxIdentities: Int? = nil, sweepInterval: Duration = .seconds(1), indexedFields: [String]? = nil,
        registry: RegistryBackendConfiguration, messaging: MessagingBackendConfiguration
    ) {
        self.name = name
        self.pattern = pattern
        self.defaultTTL = defaultTTL
        self.maxTTL = maxTTL
        self.maxIdentities = maxIdentities
        self.sweepInterval = sweepInterval
        self.indexedFields = indexedFields
        self.registry = registry
        self.messaging = messaging
    }

    var settings: NamespaceSettings {
        NamespaceSettings(
            name: name, defaultTTL: defaultTTL, maxTTL: maxTTL, maxIdentities: maxIdentities,
            indexedFields: indexedFields?.map { $0.split(separator: ".").map(String.init) },
            sweepInterval: sweepInterval)
    }
}

/// The registry backends prismd can run; the loader and the daemon switch over them exhaustively.
public enum RegistryBackendKind: String, Sendable, CaseIterable {
    case memory, sqlite, redis
}

/// The messaging backends prismd can run.
public enum MessagingBackendKind: String, Sendable, CaseIterable {
    case inproc, nats
}

public enum RegistryBackendConfiguration: Sendable, Equatable {

    case memory
    /// `path` is the database directory; `nil` means `<data_dir>/<namespace>`.
    case sqlite(path: String?)
    /// Several prismd may share one Redis; `connections` is this prismd's pool size.
    case redis(address: HostAndPort, connections: Int)

    public var kind: RegistryBackendKind {
        switch self {
        case .memory: .memory
        case .sqlite: .sqlite
        case .redis: .redis
        }
    }

    public var backendName: String { kind.rawValue }
}

public enum MessagingBackendConfiguration: Sendable, Equatable {

    case inproc
    /// Several prismd may share one NATS (cluster); messages go on `<subjectPrefix>.<namespace>.<identity>`.
    case nats(servers: [String], subjectPrefix: String)

    public var kind: MessagingBackendKind {
        switch self {
        case .inproc: .inproc
        case .nats: .nats
        }
    }

    public var backendName: String { kind.rawValue }
}
