import PrismNATS
import PrismRegistry
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
        let message = {
            OutboundMessage(
                identity: "pump", messageID: "m-\(UInt64.random(in: 0...UInt64.max))", multicastID: "mc",
                namespace: namespace, payload: [1], contentType: "application/octet-stream")
        }
        #expect(await sender.request([message()], timeout: .seconds(10)).first?.status == .delivered)
        #expect(await sender.health().status == .healthy)

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

        try server.start()
        try await waitUntil { await sender.health().status == .healthy }
        try await waitUntil { await receiver.health().status == .healthy }
        // The receiver's subscription is back without help: libnats re-subscribes on reconnect.
        #expect(await sender.request([message()], timeout: .seconds(10)).first?.status == .delivered)
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
