import NIOCore

/// Closes a connection whose peer has sent nothing for `keepalive + timeout`: a client behind a cut
/// network, which neither closes nor resets the connection.
///
/// grpc-swift-nio-transport (2.9.2) pings an idle client after `keepalive`, but when the ping goes
/// unanswered it starts a *graceful* shutdown, which waits for the ack of yet another ping before
/// closing: from a dead peer that never comes, so the connection, its Session and Subscribe streams
/// and their subscriptions would stay for ever. A live client answers the keepalive ping within a
/// round trip, so silence past `keepalive + timeout` means the peer is gone; the connection is then
/// closed outright, which ends its streams.
///
/// Runs on the connection's event loop only, hence not `Sendable`.
final class DeadPeerDetector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let silenceLimit: TimeAmount
    private var lastRead = NIODeadline.now()
    private var check: Scheduled<Void>?

    init(keepalive: Duration, timeout: Duration) {
        silenceLimit = TimeAmount(keepalive + timeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { scheduleCheck(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        lastRead = .now()
        scheduleCheck(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastRead = .now()
        context.fireChannelRead(data)
    }

    /// Looks every quarter of the limit, so a dead peer is closed within 1.25 × (keepalive + timeout).
    private func scheduleCheck(context: ChannelHandlerContext) {
        guard check == nil else { return }
        let period = TimeAmount.nanoseconds(max(silenceLimit.nanoseconds / 4, 1_000_000))
        check = context.eventLoop.assumeIsolated().scheduleTask(in: period) { [self] in
            check = nil
            guard context.channel.isActive else { return }
            if NIODeadline.now() - lastRead > silenceLimit {
                context.close(promise: nil)
            } else {
                scheduleCheck(context: context)
            }
        }
    }
}
