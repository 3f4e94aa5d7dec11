import GRPCNIOTransportHTTP2
import NIOCore
import NIOPosix
import PrismAPI

/// Accepts prismd's gRPC connections: a plain TCP listener whose connections get the
/// ``DeadPeerDetector`` and the ``StreamResetGuard`` in front of grpc-swift's HTTP/2 pipeline.
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
    /// Counts each client reset, with whether it was absorbed.
    let onReset: @Sendable (_ absorbed: Bool) -> Void

    public init(
        address: HostAndPort, settings: FrontDoorSettings,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onReset: @escaping @Sendable (_ absorbed: Bool) -> Void = { _ in }
    ) {
        self.address = address
        self.settings = settings
        self.eventLoopGroup = eventLoopGroup
        self.onReset = onReset
    }

    public func makeListeningChannel(
        listenerConfigurator: HTTP2ServerTransport.ListenerConfigurator,
        connectionConfigurator: HTTP2ServerTransport.ConnectionConfigurator
    ) async throws -> NIOAsyncChannel<HTTP2ServerTransport.ConnectionConfigurator.ConnectionChannel, Never> {
        let budget = StreamResetGuard.Budget(perSecond: settings.streamResetsPerSecond)
        let onReset = onReset
        let (keepalive, keepaliveTimeout) = (settings.keepalive, settings.keepaliveTimeout)
        return try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .serverChannelInitializer { channel in listenerConfigurator.configure(channel: channel) }
            .bind(host: address.host == "localhost" ? "127.0.0.1" : address.host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        DeadPeerDetector(keepalive: keepalive, timeout: keepaliveTimeout),
                        StreamResetGuard(budget: budget, onReset: onReset))
                }.flatMap {
                    connectionConfigurator.configure(channel: channel, tls: .none)
                }
            }
    }
}
