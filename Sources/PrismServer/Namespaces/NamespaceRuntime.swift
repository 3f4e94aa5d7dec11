import Foundation
import PrismAPI
import PrismRegistry
import PrismSQLite

#if NATS
    import PrismNATS
#endif
#if Redis
    import PrismRedis
#endif

/// One configured namespace while prismd runs: its coordinator, the database it may own, and the
/// rate window that ListPatterns reports.
public final class NamespaceRuntime: Sendable {
    public let configuration: NamespaceConfiguration
    public let coordinator: Coordinator
    let rates: RateWindow
    private let database: SQLiteDatabase?

    private init(configuration: NamespaceConfiguration, coordinator: Coordinator, database: SQLiteDatabase?) {
        self.configuration = configuration
        self.coordinator = coordinator
        self.database = database
        rates = RateWindow()
    }

    public var name: String { configuration.name }

    /// Builds the slots the configuration names. Opening a database can fail (permissions, a corrupt
    /// file): that is a start-up error naming the namespace and the path.
    public static func open(_ configuration: NamespaceConfiguration, dataDirectory: String) throws(RegistryError)
        -> NamespaceRuntime
    {
        let settings = configuration.settings
        let messaging: any MessagingSlot =
            switch configuration.messaging {
            case .inproc: InProcessMessaging()
            case .nats(let servers, let subjectPrefix):
                try natsMessaging(servers: servers, namespace: configuration.name, subjectPrefix: subjectPrefix)
            }
        switch configuration.registry {
        case .memory:
            let coordinator = Coordinator(
                settings: settings, registry: MemoryRegistry(indexedFields: settings.indexedFields),
                messaging: messaging)
            return NamespaceRuntime(configuration: configuration, coordinator: coordinator, database: nil)
        case .redis(let address, let connections):
            let coordinator = Coordinator(
                settings: settings,
                registry: try redisRegistry(address: address, connections: connections, namespace: configuration.name),
                messaging: messaging)
            return NamespaceRuntime(configuration: configuration, coordinator: coordinator, database: nil)
        case .sqlite(let path):
            let directory = path ?? (dataDirectory as NSString).appendingPathComponent(configuration.name)
            // SQLiteDatabase creates the directory; its error names it in the cause, and the daemon names
            // the namespace.
            let database = try SQLiteDatabase(directory: directory)
            let registry = SQLiteRegistry(
                database: database, namespace: configuration.name, indexedFields: settings.indexedFields ?? [])
            let coordinator = Coordinator(settings: settings, registry: registry, messaging: messaging)
            return NamespaceRuntime(configuration: configuration, coordinator: coordinator, database: database)
        }
    }

    /// The shared backends exist only in a build with their package trait (both are on by default);
    /// ``ServerConfiguration/validate(file:line:)`` refuses a configuration that names a missing one.
    private static func redisRegistry(address: HostAndPort, connections: Int, namespace: String)
        throws(RegistryError) -> any RegistrySlot
    {
        #if Redis
            RedisRegistry(
                pool: RedisConnectionPool(.init(host: address.host, port: address.port, connections: connections)),
                namespace: namespace)
        #else
            throw RegistryError(.unavailable, BackendSupport.missing(.redis))
        #endif
    }

    private static func natsMessaging(servers: [String], namespace: String, subjectPrefix: String)
        throws(RegistryError) -> any MessagingSlot
    {
        #if NATS
            try NATSMessaging(.init(servers: servers, namespace: namespace, subjectPrefix: subjectPrefix))
        #else
            throw RegistryError(.unavailable, BackendSupport.missing(.nats))
        #endif
    }

    /// Prepares indexes, starts the coordinator (which sweeps what expired while prismd was down).
    public func start() async throws(RegistryError) {
        if let registry = coordinator.registry as? SQLiteRegistry {
            try await registry.prepareIndexes()
        }
        try await coordinator.start()
    }

    /// Sweeping and the slots' background work, until the calling task is cancelled.
    public func run() async { await coordinator.run() }

    /// Ends streams, closes the slots and the database.
    public func stop() async {
        await coordinator.stop()
        await database?.close()
    }
}
