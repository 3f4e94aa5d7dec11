import Testing

@testable import PrismRegistry

@Suite("Events: recent multicasts kept apart from the replay window")
struct RecentMulticastsTests {
    @Test("heartbeats that push multicasts out of the replay window leave the recent multicasts, newest first")
    func keptApart() {
        let zero = Timestamp(milliseconds: 0)
        let device = Identity(name: "d", metadata: [:], registeredAt: zero, updatedAt: zero, expiresAt: nil)
        let hub = EventHub(namespace: "t", replayCapacity: 100, multicastCapacity: 5)
        for number in 0..<8 {
            hub.publish(.multicast, identity: nil, multicast: Self.summary("m\(number)"), at: zero)
            for _ in 0..<50 { hub.publish(.heartbeat, identity: device, at: zero) }
        }
        #expect(hub.recentMulticasts.map { $0.multicast?.multicastID } == ["m7", "m6", "m5", "m4", "m3"])
        #expect(hub.recentMulticasts.first?.namespace == "t")
        #expect(hub.revision == 8 * 51)
    }

    @Test("the coordinator reports the multicasts it made")
    func coordinator() async throws {
        let coordinator = try await makeCoordinator()
        try await coordinator.register("sensor-1", metadata: ["type": "sensor"])
        _ = try await coordinator.multicast(MulticastRequest(filter: #"type == "sensor""#, payload: Array("read".utf8)))
        let recent = coordinator.recentMulticasts
        #expect(recent.count == 1)
        #expect(recent.first?.kind == .multicast)
        #expect(recent.first?.multicast?.targetCount == 1)
    }

    static func summary(_ id: String) -> MulticastSummary {
        MulticastSummary(
            multicastID: id, filter: "", targetCount: 0, deliveredCount: 0, failedCount: 0, timeoutCount: 0,
            latency: .zero, failedTargets: [])
    }
}
