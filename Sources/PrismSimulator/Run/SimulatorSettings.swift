import PrismClient

/// How the simulator runs; the command line's options, with their defaults.
public struct SimulatorSettings: Sendable {
    public enum Via: Sendable, Equatable {
        /// One Session stream per group of devices: registrations, heartbeats, commands and acks on it.
        case session
        /// Unary calls (heartbeats and acks batched) and Subscribe streams.
        case grpc
        /// Commands straight from NATS (prismd must use the NATS messaging slot with the same prefix).
        case nats(servers: [String], subjectPrefix: String)
    }

    public var devices: Int
    public var server: String
    /// nil: plain text.
    public var tls: ClientTLS?
    public var namespace: String
    public var heartbeat: Duration
    public var ttl: Duration
    /// The share of devices that are silent at any time (each for 1.5–3 TTLs, so it expires).
    public var churn: Double
    public var via: Via
    public var seed: UInt64
    /// gRPC connections to prismd; devices are spread over them.
    public var connections: Int
    /// Devices per Session or Subscribe stream (or NATS subscription batch).
    public var devicesPerLink: Int
    public static let defaultDevicesPerLink = 500

    public init(
        devices: Int, server: String = PrismClient.defaultServer, tls: ClientTLS? = nil, namespace: String = "iot",
        heartbeat: Duration = .seconds(5),
        ttl: Duration = .seconds(15), churn: Double = 0.02, via: Via = .session, seed: UInt64 = 1,
        connections: Int? = nil, devicesPerLink: Int = defaultDevicesPerLink
    ) {
        self.devices = devices
        self.server = server
        self.tls = tls
        self.namespace = namespace
        self.heartbeat = heartbeat
        self.ttl = ttl
        self.churn = churn
        self.via = via
        self.seed = seed
        self.connections = connections ?? max(1, min(4, (devices + 2499) / 2500))
        self.devicesPerLink = devicesPerLink
    }
}
