import PrismNATS
import PrismRegistry
import Synchronization
import TestServers
import Testing

@Suite("NATS messaging slot during an outage")
struct NATSOutageTests {
    @Test("nats-server killed: fail fast with UNAVAILABLE, DEGRADED then UNHEALTHY; back: HEALTHY and delivering")
    func outage() async throws {
        let server = try LoopbackServerProcess.nats()
        let url = "nats://127.0.0.1:\(server.port)"
        let namespace = "outage"
        let sender = try NATSMessaging(.init(servers: [url], namespace: namespace, reconnectGrace: .seconds(1)))
        let receiver = try NATSMessaging(.init(servers: [url], namespace: namespace))
        let subscription = try await receiver.subscribe(to: ["pump"])
        let acker = Task {
            for await inbound in subscription {
                try? await receiver.acknowledge(messageID: inbound.message.messageID, error: nil)
            }
        }
        let message: @Sendable () -> OutboundMessage = {
            OutboundMessage(
                identity: "pump", messageID: "m-\(UInt64.random(in: 0...UInt64.max))", multicastID: "mc",
                namespace: namespace, payload: [1], contentType: "application/octet-stream")
        }
        #expect(await sender.request([message()], timeout: .seconds(10)).first?.status == .delivered)
        #expect(await sender.health().status == .healthy)

        // A steady load of acked sends runs through the outage; it records what each send reported.
        let outcomes = OutcomeLog()
        // Stopped by a flag, not by cancellation: a cancelled request would end early as TIMEOUT.
        let load = Task {
            while !outcomes.isStopped {
                let result = await sender.request([message()], timeout: .milliseconds(500))[0]
                outcomes.append(result)
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        server.stop()
        try await waitUntil { await sender.health().status != .healthy }
        #expect(await sender.health().status == .degraded)
        do {
            try sender.requireAvailable()
            Issue.record("NATS counted as available while its server was down")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.message.contains(url))
        }
        let during = await sender.request([message()], timeout: .seconds(30))
        #expect(during.first?.status == .failed)
        #expect(during.first?.error?.contains("nats unreachable") == true)
        try await waitUntil { await sender.health().status == .unhealthy }
        #expect(await sender.health().detail.contains("reconnecting"))

        // The load must have met the outage (its send in flight at the kill may still be waiting).
        try await waitUntil {
            outcomes.results.contains { $0.status == .failed && $0.error?.contains("nats unreachable") == true }
        }
        try server.start()
        try await waitUntil { await sender.health().status == .healthy }
        try await waitUntil { await receiver.health().status == .healthy }
        // The receiver's subscription is back without help: libnats re-subscribes on reconnect. Its SUB
        // can reach the server a moment after both report HEALTHY (seen under a loaded parallel run),
        // so a request is retried until delivered, within waitUntil's bound.
        try await waitUntil {
            await sender.request([message()], timeout: .seconds(2)).first?.status == .delivered
        }
        try await waitUntil { outcomes.results.last?.status == .delivered }
        outcomes.stop()
        await load.value
        // Before: delivered. During: failed at once as unreachable (a send in flight at the kill may
        // time out). After: delivered again, once the receiver has re-subscribed too (until then NATS
        // says nobody listens). Nothing else, and nothing silently "delivered" into the void.
        let results = outcomes.results
        #expect(results.first?.status == .delivered)
        #expect(results.contains { $0.status == .failed && $0.error?.contains("nats unreachable") == true })
        let unexpected = results.filter { result in
            switch result.status {
            case .delivered, .timeout: false
            case .failed: result.error?.contains("nats unreachable") != true && result.error != "no subscriber"
            case .pending: true
            }
        }
        #expect(unexpected.isEmpty, "\(unexpected)")
        #expect(results.filter { $0.status == .timeout }.count <= 1)
        subscription.cancel()
        await acker.value
        await sender.close()
        await receiver.close()
    }

    /// Polls `condition` for at most 5 s; the recovery bound the slot promises.
    private func waitUntil(_ condition: () async -> Bool, sourceLocation: SourceLocation = #_sourceLocation)
        async throws
    {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("condition not met within 5 s", sourceLocation: sourceLocation)
    }
}

/// What a load task saw, in order, and the flag that ends it.
private final class OutcomeLog: Sendable {
    private let log = Mutex<[DeliveryResult]>([])
    private let stopped = Atomic<Bool>(false)

    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    func stop() { stopped.store(true, ordering: .relaxed) }

    func append(_ result: DeliveryResult) { log.withLock { $0.append(result) } }

    var results: [DeliveryResult] { log.withLock { $0 } }
}
