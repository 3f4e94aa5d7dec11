import PrismFilter
import Synchronization

/// One namespace of the multicast-registry pattern: the registry and messaging slots, TTL policy,
/// events and statistics behind the API.
///
/// ```
/// let coordinator = Coordinator(settings: NamespaceSettings(name: "iot", defaultTTL: .seconds(30)),
///                               registry: MemoryRegistry(), messaging: InProcessMessaging())
/// try await coordinator.start()
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { await coordinator.run() }  // sweeping, checkpoints: until cancelled
///     try await coordinator.register("sensor-1", metadata: ["type": "sensor", "floor": 1])
///     let report = try await coordinator.multicast(MulticastRequest(filter: #"type == "sensor""#, payload: ...))
///     group.cancelAll()
/// }
/// await coordinator.stop()
/// ```
public final class Coordinator: Sendable {
    public let settings: NamespaceSettings
    public let registry: any RegistrySlot
    public let messaging: any MessagingSlot
    let clock: any RegistryClock
    let events: EventHub
    let stats = RegistryStats()

    private struct State {
        var lifecycle: Lifecycle = .stopped
        var startError: String?
    }

    private let state = Mutex(State())

    public init(
        settings: NamespaceSettings, registry: any RegistrySlot, messaging: any MessagingSlot,
        clock: any RegistryClock = SystemClock()
    ) {
        self.settings = settings
        self.registry = registry
        self.messaging = messaging
        self.clock = clock
        events = EventHub(namespace: settings.name)
    }

    public var name: String { settings.name }
    public var lifecycle: Lifecycle { state.withLock { $0.lifecycle } }

    /// Checks the slots and opens the namespace for calls. Identities that expired while nothing ran are
    /// swept (and announced) straight away; later ones by ``run()``, or by explicit ``sweepExpired()``
    /// calls when nothing runs it (tests).
    public func start() async throws(RegistryError) {
        state.withLock { $0.lifecycle = .starting }
        let registryHealth = await registry.health()
        let messagingHealth = await messaging.health()
        for (slot, health) in [("registry", registryHealth), ("messaging", messagingHealth)]
        where health.status == .unhealthy {
            let reason = "\(slot) slot is unhealthy: \(health.detail)"
            state.withLock {
                $0.lifecycle = .failed
                $0.startError = reason
            }
            throw RegistryError(.unavailable, "namespace '\(name)' failed to start: \(reason)")
        }
        state.withLock { $0.lifecycle = .running }
        _ = try? await sweepExpired()
    }

    /// The namespace's background work until the calling task is cancelled: the TTL sweeper, every
    /// ``NamespaceSettings/sweepInterval``, and the slots' own (``RegistrySlot/run()``). prismd runs it
    /// inside the namespace's service, so stopping the service stops it; cancel it before ``stop()``.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.registry.run() }
            group.addTask { await self.messaging.run() }
            let interval = settings.sweepInterval
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { break }
                _ = try? await sweepExpired()
            }
        }
    }

    /// Ends every watch and closes the slots.
    public func stop() async {
        state.withLock { $0.lifecycle = .stopping }
        events.finishAll()
        await messaging.close()
        await registry.close()
        state.withLock { $0.lifecycle = .stopped }
    }

    /// The namespace's health: lifecycle and each slot's status; the overall status is the worst.
    public func health() async -> NamespaceHealth {
        NamespaceHealth(lifecycle: lifecycle, registry: await registry.health(), messaging: await messaging.health())
    }

    /// Counters and latency percentiles since start.
    public var statistics: StatsSnapshot { stats.snapshot() }

    /// The revision of the latest event.
    public var revision: UInt64 { events.revision }

    /// The namespace's latest MULTICAST events (up to 50), newest first, kept apart from the replay window.
    public var recentMulticasts: [RegistryEvent] { events.recentMulticasts }

    /// Events, optionally only those whose identity matches `filter` (MULTICAST events always pass).
    /// With `startRevision`, the events after it that are still in memory come first.
    /// A watcher that falls more than `bufferSize` events behind is ended with RESOURCE_EXHAUSTED.
    public func watch(filter text: String? = nil, after startRevision: UInt64? = nil, bufferSize: Int = 1024)
        throws(RegistryError) -> AsyncThrowingStream<RegistryEvent, any Error>
    {
        try requireRunning()
        let filter = try parseFilter(text)
        return try events.watch(
            filter: filter?.matchesEverything == true ? nil : filter, bufferSize: max(1, bufferSize),
            after: startRevision)
    }

    func requireRunning() throws(RegistryError) {
        let lifecycle = self.lifecycle
        guard lifecycle == .running else {
            throw RegistryError(.unavailable, "namespace '\(name)' is \(lifecycle), not RUNNING")
        }
    }

    /// Parses a filter with the namespace's limits; blank is `nil`.
    func parseFilter(_ text: String?) throws(RegistryError) -> Filter? {
        guard let text, text.contains(where: { !$0.isWhitespace }) else { return nil }
        do {
            return try Filter(text, limits: settings.filterLimits)
        } catch {
            throw RegistryError(.invalidArgument, "invalid filter: \(error)", cause: error)
        }
    }
}
