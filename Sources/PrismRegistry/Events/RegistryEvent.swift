/// Something that happened in a namespace, in the order of its revision number.
public struct RegistryEvent: Sendable {
    public enum Kind: String, Sendable, CustomStringConvertible {
        case registered = "REGISTERED"
        case updated = "UPDATED"
        case heartbeat = "HEARTBEAT"
        case unregistered = "UNREGISTERED"
        case expired = "EXPIRED"
        case multicast = "MULTICAST"

        public var description: String { rawValue }
    }

    public var kind: Kind
    /// Increases by one per event in the namespace.
    public var revision: UInt64
    public var namespace: String
    public var timestamp: Timestamp
    /// The identity concerned (as it was when it was removed, for UNREGISTERED and EXPIRED); `nil` for MULTICAST.
    public var identity: Identity?
    /// The summary, for MULTICAST.
    public var multicast: MulticastSummary?
}

/// What a MULTICAST event reports.
public struct MulticastSummary: Sendable {
    public var multicastID: String
    /// The filter's canonical text (empty for `all`).
    public var filter: String
    public var targetCount: Int
    public var deliveredCount: Int
    public var failedCount: Int
    public var timeoutCount: Int
    public var latency: Duration
    /// The identities whose message failed or timed out (up to 100), for the dashboard.
    public var failedTargets: [DeliveryResult]
}
