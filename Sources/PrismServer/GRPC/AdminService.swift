import GRPCCore
import PrismAPI
import PrismRegistry

/// The `prism.registry.v1.Admin` service: what prismd runs and how it is doing.
struct AdminService: Prism_Registry_V1_Admin.SimpleServiceProtocol {
    let observer: CallObserver

    func listPatterns(request: Prism_Registry_V1_ListPatternsRequest, context: ServerContext) async throws
        -> Prism_Registry_V1_ListPatternsResponse
    {
        var response = Prism_Registry_V1_ListPatternsResponse()
        for runtime in observer.namespaces.runtimes {
            response.patterns.append(await PatternReport.pattern(of: runtime))
        }
        return response
    }

    func stats(request: Prism_Registry_V1_StatsRequest, context: ServerContext) async throws
        -> Prism_Registry_V1_StatsResponse
    {
        try await observer.observe("stats", namespace: request.namespace, context: context) {
            runtime, _ in
            let snapshot = runtime.coordinator.statistics
            var response = Prism_Registry_V1_StatsResponse()
            response.namespace = runtime.name
            response.revision = runtime.coordinator.revision
            response.counters = Prism_Registry_V1_Counters(snapshot.counters)
            response.registerLatency = Prism_Registry_V1_Latency(snapshot.registerLatency)
            response.enumerateLatency = Prism_Registry_V1_Latency(snapshot.enumerateLatency)
            response.multicastLatency = Prism_Registry_V1_Latency(snapshot.multicastLatency)
            response.recentMulticasts = runtime.coordinator.recentMulticasts.map(Prism_Registry_V1_Event.init)
            return response
        }
    }
}

/// One namespace as ListPatterns, /readyz and /metrics describe it.
enum PatternReport {
    static func pattern(of runtime: NamespaceRuntime) async -> Prism_Registry_V1_Pattern {
        let coordinator = runtime.coordinator
        let health = await coordinator.health()
        let counters = coordinator.statistics.counters
        let rates = runtime.rates.rates(counters: counters)
        var pattern = Prism_Registry_V1_Pattern()
        pattern.namespace = runtime.name
        pattern.pattern = runtime.configuration.pattern
        pattern.lifecycle = Prism_Registry_V1_Lifecycle(health.lifecycle)
        pattern.health = Prism_Registry_V1_Health(health.lifecycle == .running ? health.status : .unhealthy)
        pattern.registry = slot(coordinator.registry.backend, health.registry)
        pattern.messaging = slot(coordinator.messaging.backend, health.messaging)
        if health.lifecycle == .running, let count = try? await coordinator.count() {
            pattern.identities = UInt64(count)
        }
        pattern.counters = Prism_Registry_V1_Counters(counters)
        pattern.rates.registrationsPerSecond = rates.registrationsPerSecond
        pattern.rates.multicastsPerMinute = rates.multicastsPerMinute
        pattern.rates.fanoutPerSecond = rates.fanoutPerSecond
        pattern.rates.deliveryRatio = rates.deliveryRatio
        return pattern
    }

    private static func slot(_ backend: String, _ health: SlotHealth) -> Prism_Registry_V1_Slot {
        var slot = Prism_Registry_V1_Slot()
        slot.backend = backend
        slot.health = Prism_Registry_V1_Health(health.status)
        slot.detail = health.detail
        return slot
    }
}
