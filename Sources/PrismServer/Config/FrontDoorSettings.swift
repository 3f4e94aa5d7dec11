import PrismAPI

/// How prismd's gRPC port treats its clients' connections (the `grpc:` section of the config).
///
/// ```yaml
/// grpc:
///   max_concurrent_streams: 1000    # calls in flight per connection, advertised in HTTP/2 SETTINGS
///   stream_resets_per_second: 500   # client cancellations per connection that cost nothing
///   keepalive: 30s                  # ping an idle connection after this long...
///   keepalive_timeout: 10s          # ...and close it if the ping is not answered within this
///   reflection: true                # serve grpc.reflection (default: only on a loopback listener)
/// ```
public struct FrontDoorSettings: Sendable, Equatable {
    /// Streams one connection may have open at once. Advertised in the server's SETTINGS frame, so
    /// that clients queue calls beyond it instead of opening streams the server must refuse.
    public var maxConcurrentStreams: Int
    /// RST_STREAM frames per connection and second (with a burst of ten seconds' worth) that end their
    /// stream quietly. Above it, swift-nio-http2's rapid-reset defence applies (200 in 30 s, then GOAWAY).
    public var streamResetsPerSecond: Int
    /// Idle time after which the server pings a connection; a dead peer (a cut network) is found
    /// within this plus ``keepaliveTimeout``, and its streams and subscriptions end.
    public var keepalive: Duration
    public var keepaliveTimeout: Duration
    /// Whether to serve gRPC server reflection (grpcurl, evans, Postman): `nil` serves it on a loopback
    /// listener only, since it hands the whole API's schema to anyone who can connect.
    public var reflection: Bool?

    public static let maxConcurrentStreamsRange = 1...100_000
    public static let streamResetsPerSecondRange = 1...1_000_000

    public init(
        maxConcurrentStreams: Int = 1000, streamResetsPerSecond: Int = 500, keepalive: Duration = .seconds(30),
        keepaliveTimeout: Duration = .seconds(10), reflection: Bool? = nil
    ) {
        self.maxConcurrentStreams = maxConcurrentStreams
        self.streamResetsPerSecond = streamResetsPerSecond
        self.keepalive = keepalive
        self.keepaliveTimeout = keepaliveTimeout
        self.reflection = reflection
    }

    /// Whether prismd serves reflection when it listens on `listen`.
    public func servesReflection(listeningOn listen: HostAndPort) -> Bool {
        reflection ?? listen.isLoopback
    }
}
