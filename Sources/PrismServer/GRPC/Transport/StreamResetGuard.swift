import NIOCore
import NIOHTTP2

/// Takes a client's RST_STREAM frames off the wire before swift-nio-http2 counts them, and cancels
/// the stream from the server's side instead, within a budget per connection.
///
/// swift-nio-http2's defence against rapid reset (CVE-2023-44487) closes the whole connection with
/// GOAWAY ENHANCE_YOUR_CALM after 200 inbound RST_STREAM frames in 30 s, and grpc-swift-nio-transport
/// 2.9.2 does not expose that limit. An honest client whose calls hit their deadlines resets a stream
/// for each one, so a client with 10 deadline expiries a second lost every other call on its
/// connection, long-lived Watch streams included.
///
/// The guard sits between the socket (or TLS) and the HTTP/2 handler and reads only frame headers.
/// A reset within budget is removed from the byte stream and replaced by the server resetting the
/// stream itself (an RST_STREAM with the client's error code, written through the HTTP/2 handler):
/// the stream closes and its handler is cancelled, exactly as when the client's frame is processed,
/// but nothing is counted.
/// Beyond the budget (``Budget``) resets pass through untouched, so swift-nio-http2's own limit
/// ends the connection: an attacker still meets the defence, only later.
///
/// Runs on the connection's event loop only, hence not `Sendable`.
final class StreamResetGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Resets absorbed per second, with a burst of ten seconds' worth.
    struct Budget: Sendable {
        var perSecond: Int
        var burst: Int { perSecond * 10 }
    }

    private var scanner = HTTP2FrameScanner()
    private var wroteReset = false
    private var tokens: Double
    private var refilled: NIODeadline
    private let budget: Budget
    private let onReset: @Sendable (_ absorbed: Bool) -> Void

    /// - Parameter onReset: called for each client reset, with whether it was absorbed (for metrics).
    init(budget: Budget, onReset: @escaping @Sendable (_ absorbed: Bool) -> Void = { _ in }) {
        self.budget = budget
        self.tokens = Double(budget.burst)
        self.refilled = .now()
        self.onReset = onReset
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        scanner.scan(unwrapInboundIn(data)) { bytes in
            context.fireChannelRead(wrapInboundOut(bytes))
        } reset: { streamID, errorCode in
            let absorbed = takeToken()
            onReset(absorbed)
            guard absorbed else { return false }
            // The client's reason (CANCEL, for a deadline) becomes ours, so the stream ends as it asked.
            let frame = HTTP2Frame(
                streamID: HTTP2StreamID(Int32(streamID)),
                payload: .rstStream(HTTP2ErrorCode(networkCode: Int(errorCode))))
            context.channel.write(frame, promise: nil)
            wroteReset = true
            return true
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.fireChannelReadComplete()
        // Our resets went through the HTTP/2 handler after this read; send them with whatever else it wrote.
        if wroteReset {
            wroteReset = false
            context.channel.flush()
        }
    }

    private func takeToken() -> Bool {
        let now = NIODeadline.now()
        let elapsed = Double((now - refilled).nanoseconds) / 1e9
        refilled = now
        tokens = min(Double(budget.burst), tokens + elapsed * Double(budget.perSecond))
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
