import NIOCore

/// Follows an HTTP/2 byte stream from the client (RFC 9113 §3.4 preface, then §4.1 frames) by reading
/// frame headers only, and picks out the RST_STREAM frames of streams the client has opened.
///
/// It never buffers a payload: bytes pass on in the chunks they arrived in, split only around a
/// reset that is taken out. At most one incomplete frame header (under 13 bytes) waits for the next
/// read. A value type, so that it can be tested without a channel.
struct HTTP2FrameScanner {
    static let prefaceLength = 24
    static let headerLength = 9
    /// A header and the 4-byte error code.
    static let resetFrameLength = 13

    private enum FrameType {
        static let headers: UInt8 = 0x1
        static let resetStream: UInt8 = 0x3
    }

    private var prefaceRemaining = Self.prefaceLength
    private var payloadRemaining = 0
    /// The start of a frame whose header has not fully arrived.
    private var carry: ByteBuffer?
    /// Client streams are opened in increasing order (§5.1.1); a reset above this one is for an idle
    /// stream, a protocol error that swift-nio-http2 must see and answer itself.
    private var highestOpenedStream: UInt32 = 0

    /// Scans the next bytes read from the client.
    ///
    /// - Parameters:
    ///   - forward: receives, in order, every byte not taken out.
    ///   - reset: offered each RST_STREAM of an opened stream, after the bytes before it went to
    ///     `forward`; returns true to take the frame out, false to let it pass.
    mutating func scan(
        _ input: ByteBuffer, forward: (ByteBuffer) -> Void,
        reset: (_ streamID: UInt32, _ errorCode: UInt32) -> Bool
    ) {
        var input = input
        while var pending = carry, input.readableBytes > 0 {
            // Complete the waiting header with just enough of the new bytes, never copying the read.
            carry = nil
            var head = input.readSlice(length: min(input.readableBytes, Self.resetFrameLength))!
            pending.writeBuffer(&head)
            consume(pending, forward: forward, reset: reset)
        }
        if input.readableBytes > 0 { consume(input, forward: forward, reset: reset) }
    }

    private mutating func consume(
        _ buffer: ByteBuffer, forward: (ByteBuffer) -> Void, reset: (UInt32, UInt32) -> Bool
    ) {
        var cursor = buffer.readerIndex
        var chunkStart = cursor
        let end = buffer.writerIndex
        while cursor < end {
            if prefaceRemaining > 0 {
                let step = min(prefaceRemaining, end - cursor)
                cursor += step
                prefaceRemaining -= step
                continue
            }
            if payloadRemaining > 0 {
                let step = min(payloadRemaining, end - cursor)
                cursor += step
                payloadRemaining -= step
                continue
            }
            let available = end - cursor
            guard available >= Self.headerLength else { break }
            let length = Int(buffer.getInteger(at: cursor, as: UInt32.self)! >> 8)
            let type = buffer.getInteger(at: cursor + 3, as: UInt8.self)!
            let streamID = buffer.getInteger(at: cursor + 5, as: UInt32.self)! & 0x7FFF_FFFF
            if type == FrameType.headers { highestOpenedStream = max(highestOpenedStream, streamID) }
            if type == FrameType.resetStream, length == 4, streamID != 0, streamID <= highestOpenedStream {
                guard available >= Self.resetFrameLength else { break }
                if cursor > chunkStart { forward(buffer.getSlice(at: chunkStart, length: cursor - chunkStart)!) }
                chunkStart = cursor
                if reset(streamID, buffer.getInteger(at: cursor + Self.headerLength, as: UInt32.self)!) {
                    cursor += Self.resetFrameLength
                    chunkStart = cursor
                    continue
                }
            }
            cursor += Self.headerLength
            payloadRemaining = length
        }
        if cursor > chunkStart { forward(buffer.getSlice(at: chunkStart, length: cursor - chunkStart)!) }
        if cursor < end { carry = buffer.getSlice(at: cursor, length: end - cursor)! }
    }
}
