@testable import PrismTop

/// A fixed moment and a small fleet, so frames are the same on every run.
enum Fixtures {
    static let now = 1_795_000_000.0

    static var snapshot: Snapshot {
        Snapshot(
            patterns: [
                PatternRow(
                    namespace: "iot", registryBackend: "redis", messagingBackend: "nats", identities: 3,
                    fanoutPerSecond: 12.5, multicastsPerMinute: 2, deliveryRatio: 0.9),
                PatternRow(
                    namespace: "lab", health: .degraded, registryBackend: "sqlite", registryHealth: .degraded,
                    identities: 1),
            ],
            identities: [
                IdentityRow(
                    namespace: "iot", identity: "sensor-1", registeredAt: now - 125, expiresAt: now + 8,
                    metadata: "floor=1 type=sensor"),
                IdentityRow(
                    namespace: "iot", identity: "valve-2", registeredAt: now - 30, expiresAt: nil,
                    metadata: "type=valve"),
                IdentityRow(
                    namespace: "iot", identity: "gw-3", registeredAt: now - 4000, expiresAt: now + 90,
                    metadata: "label=温度センサー🌡 type=gateway"),
            ],
            identityTotal: 3,
            multicasts: [
                MulticastRow(
                    at: now - 5, namespace: "iot", filter: #"type == "sensor""#, targets: 10, delivered: 9,
                    failed: 1, timeout: 0, latencyMilliseconds: 12.4,
                    failedTargets: [FailedTarget(identity: "sensor-9", status: "FAILED", error: "no subscriber")])
            ],
            latencyP50Milliseconds: 12.4, latencyP99Milliseconds: 40, fetchedAt: now)
    }

    static func state(view: TopView = .patterns, ascii: Bool = false) -> TopState {
        var state = TopState(
            server: "127.0.0.1:8980", namespace: "iot", interval: 1, now: now, view: view, ascii: ascii)
        _ = TopReducer.reduce(&state, .snapshot(snapshot))
        return state
    }
}
