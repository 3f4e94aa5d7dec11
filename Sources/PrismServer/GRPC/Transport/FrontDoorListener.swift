import GRPCNIOTransportHTTP2
import NIOCore
import NIOPosix
import NIOSSL
import PrismAPI

/// Accepts prismd's gRPC connections: a TCP listener whose connections get the ``ProtocolMismatchGuard``,
/// TLS when configured (``ServerTLS``), the ``DeadPeerDetector`` and the ``StreamResetGuard`` in front of
/// grpc-swift's HTTP/2 pipeline.
///
/// Built on `HTTP2ServerTransport.Custom` rather than `HTTP2ServerTransport.Posix` for two reasons:
/// the guard must sit below the HTTP/2 handler, which only a listener of our own can place; and the
/// Posix transport (2.9.2) looks up a TLS peer certificate on every call, an event-loop round trip
/// and a failed future per call even in plain text, which the Custom transport's convenience
/// initialiser does not do.
///
/// ```swift
/// let transport = HTTP2ServerTransport.Custom(
///     listenerFactory: FrontDoorListener(address: listen, settings: settings), config: config)
/// ```
public struct FrontDoorListener: HTTP2ServerTransport.ListenerFactory {
    let address: HostAndPort
    let settings: FrontDoorSettings
    public let eventLoopGroup: any EventLoopGroup
    /// nil: plain text.
    let tls: ServerTLS?
    /// Counts each client reset, with whether it was absorbed.
    let onReset: @Sendable (_ absorbed: Bool) -> Void
    /// Hears of each client that spoke TLS to a plaintext port or the reverse.
    let onProtocolMismatch: @Sendable (_ reason: String, _ peer: String) -> Void

    public init(
        address: HostAndPort, settings: FrontDoorSettings, tls: ServerTLS? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onReset: @escaping @Sendable (_ absorbed: Bool) -> Void = { _ in },
        onProtocolMismatch: @escaping @Sendable (_ reason: String, _ peer: String) -> Void = { _, _ in }
    ) {
        self.address = address
        self.settings = settings
        self.tls = tls
        self.eventLoopGroup = eventLoopGroup
        self.onReset = onReset
        self.onProtocolMismatch = onProtocolMismatch
    }

    public func makeListeningChannel(
        listenerConfigurator: HTTP2ServerTransport.ListenerConfigurator,
        connectionConfigurator: HTTP2ServerTransport.ConnectionConfigurator
    ) async throws -> NIOAsyncChannel<HTTP2ServerTransport.ConnectionConfigurator.ConnectionChannel, Never> {
        let budget = StreamResetGuard.Budget(perSecond: settings.streamResetsPerSecond)
        let (onReset, onProtocolMismatch, tls) = (onReset, onProtocolMismatch, tls)
        let (keepalive, keepaliveTimeout) = (settings.keepalive, settings.keepaliveTimeout)
        return try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .serverChannelInitializer { channel in listenerConfigurator.configure(channel: channel) }
            .bind(host: address.host == "localhost" ? "127.0.0.1" : address.host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(
                        ProtocolMismatchGuard(expectsTLS: tls != nil, onMismatch: onProtocolMismatch))
                    if let tls { try pipeline.addHandler(NIOSSLServerHandler(context: tls.current)) }
                    try pipeline.addHandlers(
                        DeadPeerDetector(keepalive: keepalive, timeout: keepaliveTimeout),
                        StreamResetGuard(budget: budget, onReset: onReset))
                }.flatMap {
                    connectionConfigurator.configure(
                        channel: channel, tls: tls == nil ? .none : .configured(requireALPN: false))
                }
            }
    }
}
