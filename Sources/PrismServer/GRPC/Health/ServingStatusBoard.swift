import PrismAPI
import PrismRegistry

/// What grpc.health.v1 reports for each service name prismd answers to:
/// - `""`, prismd as a whole, and the bare API service names: SERVING while prismd takes calls and at
///   least one namespace can serve them;
/// - `prism.registry.v1.MulticastRegistry/<namespace>`: SERVING while that namespace runs and none of its
///   slots is UNHEALTHY (DEGRADED still serves);
/// - everything NOT_SERVING once prismd begins to stop.
struct ServingStatusBoard: Sendable {
    typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

    static let registryService = Prism_Registry_V1_MulticastRegistry.descriptor.fullyQualifiedService
    static let wholeServerNames = [
        "", registryService, Prism_Registry_V1_Admin.descriptor.fullyQualifiedService,
    ]

    let namespaces: NamespaceDirectory
    /// Closed once prismd begins to stop.
    let stopping: StreamTracker

    static func serviceName(of namespace: String) -> String { "\(registryService)/\(namespace)" }

    /// Every service name prismd reports on.
    var serviceNames: [String] {
        Self.wholeServerNames + namespaces.runtimes.map { Self.serviceName(of: $0.name) }
    }

    /// The status of `service` now, or nil for a name prismd does not know.
    func status(of service: String) async -> Status? {
        if Self.wholeServerNames.contains(service) { return await wholeServerStatus() }
        guard let runtime = namespaces.runtimes.first(where: { Self.serviceName(of: $0.name) == service }) else {
            return nil
        }
        return await status(of: runtime)
    }

    /// Every service's status now.
    func statuses() async -> [String: Status] {
        var statuses = await namespaceStatuses()
        let whole = wholeServer(statuses.values)
        for name in Self.wholeServerNames { statuses[name] = whole }
        return statuses
    }

    private func wholeServerStatus() async -> Status { wholeServer(await namespaceStatuses().values) }

    private func namespaceStatuses() async -> [String: Status] {
        var statuses: [String: Status] = [:]
        for runtime in namespaces.runtimes { statuses[Self.serviceName(of: runtime.name)] = await status(of: runtime) }
        return statuses
    }

    private func wholeServer(_ namespaceStatuses: some Sequence<Status>) -> Status {
        !stopping.isClosed && namespaceStatuses.contains(.serving) ? .serving : .notServing
    }

    private func status(of runtime: NamespaceRuntime) async -> Status {
        guard !stopping.isClosed else { return .notServing }
        let health = await runtime.coordinator.health()
        return health.lifecycle == .running && health.status != .unhealthy ? .serving : .notServing
    }
}
