import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import PrismAPI
import PrismRegistry
import ServiceLifecycle
import UnixSignals

/// prismd as a library and a `Service`: opens and starts the namespaces, then serves gRPC and HTTP
/// until a graceful shutdown of the service group it runs in: streams end, calls in flight finish,
/// databases close.
///
/// ```
/// let daemon = PrismDaemon(configuration: configuration, logger: logger)
/// try await daemon.runService()  // until SIGTERM or SIGINT
/// ```
/// or, beside other services, `ServiceGroup(services: [daemon, ...], ...)`.
public final class PrismDaemon: Service, Sendable {
    /// Where the daemon ended up listening (ports chosen by the system when the config said 0).
    public struct Addresses: Sendable {
        public var grpc: HostAndPort
        public var http: HostAndPort
    }

    public let configuration: ServerConfiguration
    public let metrics = ServerMetrics()
    private let logger: Logger
    private let onListening: @Sendable (Addresses) -> Void

    /// - Parameter onListening: called once both ports listen, with the addresses (ports the system
    ///   chose when the configuration said 0).
    public init(
        configuration: ServerConfiguration, logger: Logger,
        onListening: @escaping @Sendable (Addresses) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
    }

    /// Runs in a service group of its own until one of `signals` asks for a graceful shutdown.
    public func runService(signals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: self)], gracefulShutdownSignals: signals, logger: logger))
        try await group.run()
    }

    /// Serves until the service group it runs in shuts down gracefully (or the task is cancelled).
    /// Start-up errors are thrown before anything is served: a configuration that
    /// ``ServerConfiguration/validate(file:line:)`` refuses (``ConfigurationError``), a database that
    /// cannot open or a port in use (``StartupError``).
    public func run() async throws {
        try configuration.validate()
        let tls = try configuration.tls.map { settings throws(StartupError) in try ServerTLS(settings) }
        let namespaces = try await startNamespaces()
        let endpoint: HTTPEndpoint
        do {
            endpoint = try await HTTPEndpoint.bind(host: configuration.http.host, port: configuration.http.port)
        } catch {
            await stop(namespaces)
            throw StartupError("cannot listen for HTTP on \(configuration.http): \(error)")
        }
        let streams = StreamTracker()
        let observer = CallObserver(namespaces: namespaces, metrics: metrics, logger: logger)
        let transport = Self.transport(configuration, metrics: metrics, tls: tls, logger: logger)
        let registry = MulticastRegistryService(observer: observer, streams: streams)
        let server = GRPCServer(
            transport: transport,
            services: Self.services(
                registry: registry, observer: observer, streams: streams,
                reflection: configuration.grpc.servesReflection(listeningOn: configuration.listen)))
        let httpPort = endpoint.localAddress?.port ?? configuration.http.port
        let services: [any Service] =
            [
                NamespacesService(namespaces: namespaces, logger: logger),
                GRPCService(server: server, transport: transport, listen: configuration.listen, streams: streams) {
                    [configuration, onListening] port in
                    onListening(
                        Addresses(
                            grpc: HostAndPort(host: configuration.listen.host, port: port),
                            http: HostAndPort(host: configuration.http.host, port: httpPort)))
                },
                HTTPService(
                    endpoint: endpoint, endpoints: OperationalEndpoints(namespaces: namespaces, metrics: metrics)),
            ] + (tls.map { [TLSReloadService(tls: $0, logger: logger)] } ?? [])
        // A group of prismd's parts, in the order they stop in reverse: run as a service itself, it shuts
        // them down one by one when the group prismd runs in shuts down gracefully.
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }, logger: logger)
        // A stuck call must not keep a stopping prismd alive for ever.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(15)
        try await ServiceGroup(configuration: groupConfiguration).run()
    }

    /// The API, gRPC's health service and, when asked for, server reflection listing all of them.
    private static func services(
        registry: MulticastRegistryService, observer: CallObserver, streams: StreamTracker, reflection: Bool
    ) -> [any RegistrableRPCService] {
        let board = ServingStatusBoard(namespaces: observer.namespaces, stopping: streams)
        var services: [any RegistrableRPCService] = [
            registry, FastEnumerate(service: registry), AdminService(observer: observer),
            HealthService(board: board, watchInterval: .seconds(1)),
        ]
        var names = [
            Prism_Registry_V1_MulticastRegistry.descriptor, Prism_Registry_V1_Admin.descriptor,
            Grpc_Health_V1_Health.descriptor,
        ]
        if reflection {
            names += [
                Grpc_Reflection_V1_ServerReflection.descriptor, Grpc_Reflection_V1alpha_ServerReflection.descriptor,
            ]
            let answers = ReflectionAnswers(index: .served, services: names.map(\.fullyQualifiedService))
            services += [
                ReflectionService(answers: answers, streams: streams),
                ReflectionServiceV1Alpha(answers: answers, streams: streams),
            ]
        }
        return services
    }

    private func startNamespaces() async throws -> NamespaceDirectory {
        var started: [NamespaceRuntime] = []
        for namespace in configuration.namespaces {
            do {
                let runtime = try NamespaceRuntime.open(namespace, dataDirectory: configuration.dataDirectory)
                try await runtime.start()
                started.append(runtime)
                logger.info(
                    "namespace started",
                    metadata: [
                        "namespace": "\(namespace.name)", "registry": "\(namespace.registry.backendName)",
                        "messaging": "\(namespace.messaging.backendName)",
                    ])
            } catch {
                await stop(NamespaceDirectory(started))
                throw StartupError("namespace '\(namespace.name)' did not start: \(error.detailedMessage)")
            }
        }
        return NamespaceDirectory(started)
    }

    private func stop(_ namespaces: NamespaceDirectory) async {
        for runtime in namespaces.runtimes { await runtime.stop() }
    }

    /// prismd's gRPC transport for a configuration: its listener, stream limit, keepalive and payload cap.
    public static func transport(
        _ configuration: ServerConfiguration, metrics: ServerMetrics = ServerMetrics(), tls: ServerTLS? = nil,
        logger: Logger = Logger(label: "prismd")
    ) -> GRPCTransport {
        let settings = configuration.grpc
        var config = GRPCTransport.Config.defaults
        // An AckBatch of 10,000 acks may carry 4 KiB replies each: gRPC's default 4 MiB would refuse it whole.
        config.rpc.maxRequestPayloadSize = maxRequestBytes
        // Left unset, nothing is advertised and clients read that as "unlimited", while swift-nio-http2
        // enforces 100 and answers the 101st stream with a GOAWAY that fails every call on the connection.
        config.http2.maxConcurrentStreams = settings.maxConcurrentStreams
        config.connection.keepalive.time = settings.keepalive
        config.connection.keepalive.timeout = settings.keepaliveTimeout
        // A client's own keepalive is how it finds a hung prismd (PrismClient pings every 10 s), and
        // grpc-swift's client only keeps pinging if it may ping between calls. The transport's default
        // (one ping per 5 minutes, none between calls) would answer that with GOAWAY too_many_pings,
        // even during a quiet Watch.
        config.connection.keepalive.clientBehavior = .init(
            minPingIntervalWithoutCalls: minimumClientPingInterval, allowWithoutCalls: true)
        return GRPCTransport(
            listenerFactory: FrontDoorListener(
                address: configuration.listen, settings: settings, tls: tls,
                onReset: { absorbed in metrics.recordStreamReset(absorbed: absorbed) },
                onProtocolMismatch: { [log = ThrottledLog(logger: logger)] reason, peer in
                    log.notice(reason, peer: peer)
                }),
            config: config)
    }

    /// How often a client may ping: more often, three times in a row, and the connection is closed.
    public static let minimumClientPingInterval = Duration.seconds(5)

    /// The largest request prismd reads: a full AckBatch (10,000 acks with 4 KiB replies) and room to spare.
    public static let maxRequestBytes = 64 * 1024 * 1024

}

/// The transport prismd serves gRPC on (see ``FrontDoorListener``).
public typealias GRPCTransport = HTTP2ServerTransport.Custom<FrontDoorListener>

/// Why prismd could not start.
public struct StartupError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
