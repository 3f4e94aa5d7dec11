import NIOCore

/// Looks at a connection's first byte to catch a client speaking the wrong protocol to the gRPC port,
/// which would otherwise see only a closed connection or an opaque handshake error.
///
/// - On a TLS port, a plaintext gRPC client gets its first call answered in plain HTTP/2, with
///   UNAVAILABLE and a message saying that the port speaks TLS (``PlaintextCallAnswer``), then GOAWAY.
///   Any gRPC client shows that message as the call's error. Anything else plain (HTTP/1.1) gets a
///   400 with the same words.
/// - On a plaintext port, a TLS client (its ClientHello is a handshake record) could read no words of
///   ours, so the connection is closed at once rather than left to the HTTP/2 handler to give up on.
///
/// Either way `onMismatch` hears of it, for the log. Past the first byte of a matching client it only
/// forwards, and it takes itself out of the pipeline.
final class ProtocolMismatchGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A TLS record of type handshake: what every TLS client sends first.
    static let tlsHandshakeRecord: UInt8 = 0x16
    static let tlsRequired = "prismd's gRPC port speaks TLS; connect with TLS (prism --tls-ca FILE, or $PRISM_TLS_CA)"
    static let tlsClientOnPlaintextPort =
        "a TLS client connected to the plaintext port (configure tls: in prismd, or connect without TLS)"

    private enum State {
        case first
        case forwarding
        /// A plaintext HTTP/2 client on the TLS port: its bytes so far, until its first call arrives.
        case answering(ByteBuffer)
        case done
    }

    private let expectsTLS: Bool
    private let onMismatch: @Sendable (_ reason: String, _ peer: String) -> Void
    private var state = State.first

    init(expectsTLS: Bool, onMismatch: @escaping @Sendable (_ reason: String, _ peer: String) -> Void) {
        self.expectsTLS = expectsTLS
        self.onMismatch = onMismatch
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        switch state {
        case .forwarding:
            context.fireChannelRead(data)
        case .done:
            break
        case .answering(var received):
            received.writeBuffer(&bytes)
            answer(received, context: context)
        case .first:
            guard let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) else { return }
            let peer = context.remoteAddress.map { "\($0)" } ?? "unknown"
            switch (expectsTLS, first == Self.tlsHandshakeRecord) {
            case (true, false):
                onMismatch("a plaintext client connected to the TLS port", peer)
                guard bytes.readableBytesView.starts(with: "PRI ".utf8.prefix(bytes.readableBytes)) else {
                    state = .done
                    return finish(Self.badRequest(context.channel.allocator), context: context)
                }
                context.writeAndFlush(wrapOutboundOut(PlaintextCallAnswer.serverPreface(context.channel.allocator)))
                    .whenComplete { _ in }
                answer(bytes, context: context)
            case (false, true):
                onMismatch(Self.tlsClientOnPlaintextPort, peer)
                state = .done
                context.close(promise: nil)
            default:
                state = .forwarding
                context.fireChannelRead(data)
                context.pipeline.syncOperations.removeHandler(self, promise: nil)
            }
        }
    }

    /// Answers the client's first call once its HEADERS frame is in `received`; a client that sends
    /// a lot and no call is cut off.
    private func answer(_ received: ByteBuffer, context: ChannelHandlerContext) {
        guard let stream = PlaintextCallAnswer.firstCallStream(in: received) else {
            if received.readableBytes > PlaintextCallAnswer.maximumBytesBeforeCall {
                state = .done
                context.close(promise: nil)
            } else {
                state = .answering(received)
            }
            return
        }
        state = .done
        finish(
            PlaintextCallAnswer.unavailable(stream: stream, message: Self.tlsRequired, context.channel.allocator),
            context: context)
    }

    private func finish(_ answer: ByteBuffer, context: ChannelHandlerContext) {
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(answer)).whenComplete { _ in channel.close(promise: nil) }
    }

    private static func badRequest(_ allocator: ByteBufferAllocator) -> ByteBuffer {
        let body = tlsRequired + "\n"
        return allocator.buffer(
            string: "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: \(body.utf8.count)\r\n"
                + "connection: close\r\n\r\n" + body)
    }
}
