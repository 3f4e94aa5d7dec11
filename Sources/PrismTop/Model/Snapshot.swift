import PrismFilter

/// A slot's or a namespace's health as prism-top shows it: always as text and a symbol, never by
/// colour alone.
public enum HealthLevel: String, Sendable, CaseIterable {
    case healthy = "HEALTHY"
    case degraded = "DEGRADED"
    case unhealthy = "UNHEALTHY"
    case unknown = "UNKNOWN"

    public func symbol(ascii: Bool) -> String {
        switch self {
        case .healthy: ascii ? "+" : "✓"
        case .degraded: "!"
        case .unhealthy: ascii ? "x" : "✗"
        case .unknown: "?"
        }
    }
}

/// One namespace as ListPatterns reports it.
public struct PatternRow: Sendable, Equatable {
    public var namespace: String
    public var pattern: String
    public var lifecycle: String
    public var health: HealthLevel
    public var registryBackend: String
    public var registryHealth: HealthLevel
    public var messagingBackend: String
    public var messagingHealth: HealthLevel
    public var identities: Int
    public var fanoutPerSecond: Double
    public var multicastsPerMinute: Double
    /// Delivered over targets of recent multicasts; nil before the first.
    public var deliveryRatio: Double?

    public init(
        namespace: String, pattern: String = "multicast-registry", lifecycle: String = "RUNNING",
        health: HealthLevel = .healthy, registryBackend: String = "memory", registryHealth: HealthLevel = .healthy,
        messagingBackend: String = "inproc", messagingHealth: HealthLevel = .healthy, identities: Int = 0,
        fanoutPerSecond: Double = 0, multicastsPerMinute: Double = 0, deliveryRatio: Double? = nil
    ) {
        self.namespace = namespace
        self.pattern = pattern
        self.lifecycle = lifecycle
        self.health = health
        self.registryBackend = registryBackend
        self.registryHealth = registryHealth
        self.messagingBackend = messagingBackend
        self.messagingHealth = messagingHealth
        self.identities = identities
        self.fanoutPerSecond = fanoutPerSecond
        self.multicastsPerMinute = multicastsPerMinute
        self.deliveryRatio = deliveryRatio
    }
}

/// One identity of the followed namespace. Times are Unix seconds.
public struct IdentityRow: Sendable, Equatable {
    public var namespace: String
    public var identity: String
    public var registeredAt: Double
    /// When the metadata last changed; nil when prismd did not say.
    public var updatedAt: Double?
    /// nil: never expires.
    public var expiresAt: Double?
    /// `k=v` pairs, nested keys dotted, in key order.
    public var metadata: String
    /// The metadata itself, for JSON output.
    public var metadataObject: JSONObject

    public init(
        namespace: String, identity: String, registeredAt: Double, updatedAt: Double? = nil, expiresAt: Double?,
        metadata: String, metadataObject: JSONObject = [:]
    ) {
        self.namespace = namespace
        self.identity = identity
        self.registeredAt = registeredAt
        self.updatedAt = updatedAt
        self.expiresAt = expiresAt
        self.metadata = metadata
        self.metadataObject = metadataObject
    }
}

/// An identity a multicast did not deliver to.
public struct FailedTarget: Sendable, Equatable {
    public var identity: String
    public var status: String
    public var error: String

    public init(identity: String, status: String, error: String) {
        self.identity = identity
        self.status = status
        self.error = error
    }
}

/// One multicast, from the Watch stream's MULTICAST events or Stats' recent multicasts.
public struct MulticastRow: Sendable, Equatable {
    /// prismd's multicast id; empty when not known.
    public var id: String
    public var at: Double
    public var namespace: String
    public var filter: String
    public var targets: Int
    public var delivered: Int
    public var failed: Int
    public var timeout: Int
    public var latencyMilliseconds: Double
    public var failedTargets: [FailedTarget]

    public init(
        at: Double, namespace: String, filter: String, targets: Int, delivered: Int, failed: Int, timeout: Int,
        latencyMilliseconds: Double, failedTargets: [FailedTarget] = [], id: String = ""
    ) {
        self.id = id
        self.at = at
        self.namespace = namespace
        self.filter = filter
        self.targets = targets
        self.delivered = delivered
        self.failed = failed
        self.timeout = timeout
        self.latencyMilliseconds = latencyMilliseconds
        self.failedTargets = failedTargets
    }
}

/// Everything one refresh fetched.
public struct Snapshot: Sendable, Equatable {
    /// The namespace followed when it was fetched; empty when not known.
    public var namespace: String
    public var patterns: [PatternRow]
    public var identities: [IdentityRow]
    /// Identities matching the filter, of which ``identities`` holds the first page.
    public var identityTotal: Int
    /// Newest first.
    public var multicasts: [MulticastRow]
    /// Fan-out latency of the followed namespace, from Stats.
    public var latencyP50Milliseconds: Double
    public var latencyP99Milliseconds: Double
    /// The latest events of each identity seen on the Watch stream, oldest first.
    public var identityEvents: [String: [IdentityEvent]]
    public var fetchedAt: Double

    public init(
        namespace: String = "", patterns: [PatternRow] = [], identities: [IdentityRow] = [], identityTotal: Int = 0,
        multicasts: [MulticastRow] = [], latencyP50Milliseconds: Double = 0, latencyP99Milliseconds: Double = 0,
        identityEvents: [String: [IdentityEvent]] = [:], fetchedAt: Double
    ) {
        self.namespace = namespace
        self.identityEvents = identityEvents
        self.patterns = patterns
        self.identities = identities
        self.identityTotal = identityTotal
        self.multicasts = multicasts
        self.latencyP50Milliseconds = latencyP50Milliseconds
        self.latencyP99Milliseconds = latencyP99Milliseconds
        self.fetchedAt = fetchedAt
    }
}
