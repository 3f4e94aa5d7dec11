import PrismFilter
import Testing

@testable import PrismRegistry

/// A running coordinator on the memory registry and in-process messaging, with a manual clock.
func makeCoordinator(
    _ settings: NamespaceSettings = NamespaceSettings(name: "test"), clock: ManualClock = ManualClock()
)
    async throws -> Coordinator
{
    let coordinator = Coordinator(
        settings: settings, registry: MemoryRegistry(indexedFields: settings.indexedFields),
        messaging: InProcessMessaging(), clock: clock)
    try await coordinator.start()
    return coordinator
}

func expectError(
    _ code: RegistryError.Code, _ body: () async throws -> Void,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
)
    async
{
    do {
        try await body()
        Issue.record("expected \(code), got success", sourceLocation: sourceLocation)
    } catch let error as RegistryError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected RegistryError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Coordinator: identities")
struct CoordinatorIdentityTests {
    @Test("the seed's validation case: one sensor on floor 1 is targeted and delivered")
    func seedValidation() async throws {
        let coordinator = try await makeCoordinator()
        try await coordinator.register("sensor-1", metadata: ["type": "sensor", "floor": 1])
        try await coordinator.register("sensor-2", metadata: ["type": "sensor", "floor": 2])
        try await coordinator.register("actuator-1", metadata: ["type": "actuator", "floor": 1])
        let report = try await coordinator.multicast(
            MulticastRequest(filter: #"type == "sensor" and floor == 1"#, payload: Array("read".utf8)))
        #expect(report.targetCount == 1)
        #expect(report.statuses.map(\.identity) == ["sensor-1"])
        // At-most-once to an identity nobody subscribed to: the in-process slot knows, so FAILED.
        #expect(report.failedCount == 1)
        let subscription = try await coordinator.messaging.subscribe(to: ["sensor-1"])
        let delivered = try await coordinator.multicast(
            MulticastRequest(filter: #"type == "sensor" and floor == 1"#, payload: Array("read".utf8)))
        #expect(delivered.targetCount == 1)
        #expect(delivered.deliveredCount == 1)
        var iterator = subscription.makeAsyncIterator()
        let message = await iterator.next()
        #expect(message?.message.payload == Array("read".utf8))
        #expect(message?.message.identity == "sensor-1")
        subscription.cancel()
    }

    @Test("register without replace on an existing identity is ALREADY_EXISTS; with replace it updates")
    func replace() async throws {
        let clock = ManualClock()
        let coordinator = try await makeCoordinator(clock: clock)
        let first = try await coordinator.register("a", metadata: ["v": 1])
        await expectError(.alreadyExists) { try await coordinator.register("a", metadata: ["v": 2]) }
        clock.advance(by: .seconds(3))
        let second = try await coordinator.register("a", metadata: ["v": 2], replace: true)
        #expect(second.registeredAt == first.registeredAt)
        #expect(second.updatedAt == clock.now())
        #expect(try await coordinator.get("a").metadata == ["v": 2])
        #expect(coordinator.statistics.counters.registrations == 1)
        #expect(coordinator.statistics.counters.updates == 1)
    }

    @Test("TTL policy: default, maximum, zero and negative")
    func ttlPolicy() async throws {
        let clock = ManualClock()
        let settings = NamespaceSettings(name: "ttl", defaultTTL: .seconds(30), maxTTL: .seconds(3600))
        let coordinator = try await makeCoordinator(settings, clock: clock)
        let byDefault = try await coordinator.register("d")
        #expect(byDefault.expiresAt == clock.now().adding(.seconds(30)))
        let zero = try await coordinator.register("z", ttl: .zero)
        #expect(zero.expiresAt == clock.now().adding(.seconds(30)))
        let explicit = try await coordinator.register("e", ttl: .seconds(5))
        #expect(explicit.expiresAt == clock.now().adding(.seconds(5)))
        await expectError(.invalidArgument) { try await coordinator.register("big", ttl: .seconds(3601)) }
        await expectError(.invalidArgument) { try await coordinator.register("neg", ttl: .seconds(-1)) }
        let forever = try await makeCoordinator(clock: clock)
        #expect(try await forever.register("f").expiresAt == nil)
    }

    @Test("names and metadata are validated before anything is stored")
    func validation() async throws {
        let coordinator = try await makeCoordinator()
        for bad in ["", "has space", "wild*card", "gt>", "é", String(repeating: "x", count: 257)] {
            await expectError(.invalidArgument) { try await coordinator.register(bad) }
        }
        try await coordinator.register(String(repeating: "x", count: 256))
        try await coordinator.register("ok.name_with:all-chars")
        let big = JSONObject([("blob", Value.string(String(repeating: "x", count: 70_000)))])
        await expectError(.invalidArgument) { try await coordinator.register("big", metadata: big) }
        #expect(try await coordinator.count() == 2)
    }

    @Test("max_identities refuses new identities but allows replacing existing ones")
    func maxIdentities() async throws {
        let coordinator = try await makeCoordinator(NamespaceSettings(name: "small", maxIdentities: 2))
        try await coordinator.register("a")
        try await coordinator.register("b")
        await expectError(.resourceExhausted) { try await coordinator.register("c") }
        try await coordinator.register("a", metadata: ["v": 1], replace: true)
    }

    @Test("heartbeat extends the TTL and patches metadata; an expired identity cannot be renewed")
    func heartbeat() async throws {
        let clock = ManualClock()
        let coordinator = try await makeCoordinator(
            NamespaceSettings(name: "hb", defaultTTL: .seconds(10)), clock: clock)
        try await coordinator.register("d", metadata: ["battery": 0.9])
        clock.advance(by: .seconds(9))
        let renewed = try await coordinator.heartbeat("d", metadataPatch: ["battery": 0.85])
        #expect(renewed.expiresAt == clock.now().adding(.seconds(10)))
        #expect(renewed.metadata == ["battery": 0.85])
        clock.advance(by: .seconds(9))
        #expect(try await coordinator.get("d").name == "d")
        clock.advance(by: .seconds(1))
        await expectError(.notFound) { _ = try await coordinator.get("d") }
        await expectError(.notFound) { try await coordinator.heartbeat("d") }
    }

    @Test(
        "a heartbeat without a TTL keeps the identity's own: neither the namespace default nor permanence",
        arguments: [Duration?.none, .seconds(60)])
    func heartbeatKeepsOwnTTL(namespaceDefault: Duration?) async throws {
        let clock = ManualClock()
        let coordinator = try await makeCoordinator(
            NamespaceSettings(name: "own", defaultTTL: namespaceDefault), clock: clock)
        try await coordinator.register("two-minutes", ttl: .seconds(120))
        clock.advance(by: .seconds(30))
        let renewed = try await coordinator.heartbeat("two-minutes")
        #expect(renewed.expiresAt == clock.now().adding(.seconds(120)))
        try await coordinator.heartbeat("two-minutes", ttl: .seconds(20))
        clock.advance(by: .seconds(10))
        #expect(try await coordinator.heartbeat("two-minutes").expiresAt == clock.now().adding(.seconds(20)))
        // Without heartbeats it dies, on both kinds of namespace.
        clock.advance(by: .seconds(20))
        await expectError(.notFound) { _ = try await coordinator.get("two-minutes") }
    }

    @Test("unregister is idempotent")
    func unregister() async throws {
        let coordinator = try await makeCoordinator()
        try await coordinator.register("u")
        #expect(try await coordinator.unregister("u"))
        #expect(try await coordinator.unregister("u") == false)
        await expectError(.notFound) { _ = try await coordinator.get("u") }
    }

    @Test("an identity is invisible at the exact instant it expires; the sweep announces it once")
    func expiryAndSweep() async throws {
        let clock = ManualClock()
        let coordinator = try await makeCoordinator(clock: clock)
        let events = try coordinator.watch()
        try await coordinator.register("short", metadata: ["k": 1], ttl: .milliseconds(1500))
        try await coordinator.register("long", metadata: ["k": 1], ttl: .seconds(60))
        clock.advance(by: .milliseconds(1499))
        #expect(try await coordinator.enumerate(EnumerateRequest(filter: "k == 1")).totalCount == 2)
        clock.advance(by: .milliseconds(1))
        #expect(try await coordinator.enumerate(EnumerateRequest(filter: "k == 1")).identities.map(\.name) == ["long"])
        await expectError(.notFound) { _ = try await coordinator.get("short") }
        #expect(try await coordinator.sweepExpired() == 1)
        #expect(try await coordinator.sweepExpired() == 0)
        var kinds: [(RegistryEvent.Kind, String, UInt64)] = []
        for try await event in events {
            kinds.append((event.kind, event.identity?.name ?? "", event.revision))
            if kinds.count == 3 { break }
        }
        #expect(kinds.map(\.0) == [.registered, .registered, .expired])
        #expect(kinds.map(\.1) == ["short", "long", "short"])
        #expect(kinds.map(\.2) == [1, 2, 3])
        #expect(coordinator.statistics.counters.expirations == 1)
    }

    @Test("run() sweeps expired identities within one interval, and ends when its task is cancelled")
    func sweeperTask() async throws {
        let coordinator = Coordinator(
            settings: NamespaceSettings(name: "live", sweepInterval: .milliseconds(50)), registry: MemoryRegistry(),
            messaging: InProcessMessaging())
        try await coordinator.start()
        let sawExpired = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                await coordinator.run()
                return false
            }
            let events = try coordinator.watch()
            try await coordinator.register("brief", ttl: .milliseconds(100))
            var sawExpired = false
            for try await event in events where event.kind == .expired {
                sawExpired = event.identity?.name == "brief"
                break
            }
            group.cancelAll()
            // run() returned: the group would wait for ever otherwise.
            for try await _ in group {}
            return sawExpired
        }
        #expect(sawExpired)
        await coordinator.stop()
        #expect(coordinator.lifecycle == .stopped)
    }

    @Test("calls fail with UNAVAILABLE unless the namespace is running")
    func lifecycle() async throws {
        let coordinator = Coordinator(
            settings: NamespaceSettings(), registry: MemoryRegistry(), messaging: InProcessMessaging())
        #expect(coordinator.lifecycle == .stopped)
        await expectError(.unavailable) { try await coordinator.register("x") }
        try await coordinator.start()
        #expect(coordinator.lifecycle == .running)
        let health = await coordinator.health()
        #expect(health.status == .healthy)
        #expect(health.registry.detail.contains("in memory"))
        await coordinator.stop()
        await expectError(.unavailable) { _ = try await coordinator.get("x") }
    }
}
