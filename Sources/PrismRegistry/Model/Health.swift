/// How well a slot (or a namespace) works right now.
public enum HealthStatus: Int, Sendable, Comparable, CustomStringConvertible {
    case healthy = 0
    case degraded = 1
    case unhealthy = 2

    public static func < (lhs: HealthStatus, rhs: HealthStatus) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .healthy: "HEALTHY"
        case .degraded: "DEGRADED"
        case .unhealthy: "UNHEALTHY"
        }
    }
}

/// A slot's health with a detail a person can act on ("127.0.0.1:6379, ping 0.2 ms", "reconnecting").
public struct SlotHealth: Sendable, Equatable {
    public var status: HealthStatus
    public var detail: String

    public init(_ status: HealthStatus, _ detail: String) {
        self.status = status
        self.detail = detail
    }
}

/// Where a namespace is in its life.
public enum Lifecycle: String, Sendable, CustomStringConvertible {
    case starting = "STARTING"
    case running = "RUNNING"
    case stopping = "STOPPING"
    case stopped = "STOPPED"
    case failed = "FAILED"

    public var description: String { rawValue }
}

/// A namespace's health: its worst slot's.
public struct NamespaceHealth: Sendable {
    public var lifecycle: Lifecycle
    public var registry: SlotHealth
    public var messaging: SlotHealth

    /// The worst of the slots' statuses; a namespace that is not running is unhealthy.
    public var status: HealthStatus {
        lifecycle == .running ? max(registry.status, messaging.status) : .unhealthy
    }
}
