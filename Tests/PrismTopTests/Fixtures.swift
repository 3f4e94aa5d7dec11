import PrismFilter

@testable import PrismTop

/// A fixed moment and a small fleet, so frames are the same on every run.
enum Fixtures {
    static let now = 1_795_000_000.0

    static func identity(
        _ name: String, registered: Double, updated: Double? = nil, expires: Double?, _ metadata: JSONObject,
        namespace: String = "iot"
    ) -> IdentityRow {
        IdentityRow(
            namespace: namespace, identity: name, registeredAt: registered, updatedAt: updated, expiresAt: expires,
            metadata: MetadataText.pairs(metadata), metadataObject: metadata)
    }

    static var snapshot: Snapshot {
        Snapshot(
            namespace: "iot",
            patterns: [
                PatternRow(
                    namespace: "iot", registryBackend: "redis", messagingBackend: "nats", identities: 3,
                    fanoutPerSecond: 12.5, multicastsPerMinute: 2, deliveryRatio: 0.9),
                PatternRow(
                    namespace: "lab", health: .degraded, registryBackend: "sqlite", registryHealth: .degraded,
                    identities: 1),
            ],
            identities: [
                identity(
                    "sensor-1", registered: now - 125, updated: now - 40, expires: now + 8,
                    ["floor": 1, "type": "sensor", "location": ["building": "HQ", "room": "2.14"]]),
                identity("valve-2", registered: now - 30, expires: nil, ["type": "valve"]),
                identity("gw-3", registered: now - 4000, expires: now + 90, ["label": "温度センサー🌡", "type": "gateway"]),
            ],
            identityTotal: 3,
            multicasts: [
                MulticastRow(
                    at: now - 5, namespace: "iot", filter: #"type == "sensor""#, targets: 10, delivered: 9,
                    failed: 1, timeout: 0, latencyMilliseconds: 12.4,
                    failedTargets: [FailedTarget(identity: "sensor-9", status: "FAILED", error: "no subscriber")])
            ],
            latencyP50Milliseconds: 12.4, latencyP99Milliseconds: 40,
            identityEvents: [
                "sensor-1": [
                    IdentityEvent(at: now - 125, kind: "REGISTERED"),
                    IdentityEvent(at: now - 40, kind: "UPDATED"),
                    IdentityEvent(at: now - 2, kind: "HEARTBEAT", count: 19),
                ]
            ],
            fetchedAt: now)
    }

    /// Relays and sensors whose names differ only at their end, the case a cut identity column hid.
    static var longNames: Snapshot {
        var snapshot = self.snapshot
        snapshot.identities = (1...4).map(relay)
        snapshot.identities.append(
            identity(
                "lab-f2-sensor-with-a-name-far-longer-than-anyone-should-ever-choose-01", registered: now - 10,
                expires: now + 20, ["floor": 2, "kind": "co2", "type": "sensor"]))
        snapshot.identityTotal = snapshot.identities.count
        return snapshot
    }

    private static func relay(_ number: Int) -> IdentityRow {
        let metadata: JSONObject = [
            "floor": .int(Int64(number % 3)), "kind": "relay", "type": "actuator",
            "battery": .double(0.5 + Double(number) / 10),
        ]
        return identity(
            "lab-f2-relay-0\(number)-north-wing-cabinet-\(number * 7)", registered: now - Double(number * 50),
            expires: now + Double(number * 10), metadata)
    }

    static func state(view: TopView = .patterns, ascii: Bool = false) -> TopState {
        var state = TopState(
            server: "127.0.0.1:8980", namespace: "iot", interval: 1, now: now, view: view, ascii: ascii)
        _ = TopReducer.reduce(&state, .snapshot(snapshot))
        return state
    }

    /// The state after refreshes failed for 7 seconds with prismd down.
    static func staleState(view: TopView = .patterns) -> TopState {
        var state = Self.state(view: view)
        let failure = FetchFailure(
            message: "cannot reach prismd at 127.0.0.1:8980: Could not establish a connection to 127.0.0.1:8980.",
            reason: "cannot connect to prismd")
        _ = TopReducer.reduce(&state, .fetchFailed(failure, at: now + 1))
        _ = TopReducer.reduce(&state, .tick(now + 8))
        return state
    }
}
