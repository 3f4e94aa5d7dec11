import NIOCore

/// The few HTTP/2 frames (RFC 9113) that answer a plaintext gRPC client's first call with an error of
/// our words, without an HTTP/2 stack: the server's SETTINGS, then, once the call came, the ack of the client's, a trailers-only
/// response (gRPC over HTTP/2: `:status 200`, `grpc-status`, `grpc-message`) that ends the stream, and
/// GOAWAY. A client shows `grpc-message` as the call's error; a GOAWAY before any response would only
/// be a connection failure, which clients retry or report without its text.
enum PlaintextCallAnswer {
    static let prefaceLength = 24
    static let frameHeaderLength = 9
    static let maximumBytesBeforeCall = 64 * 1024

    private enum FrameType {
        static let headers: UInt8 = 0x1
        static let settings: UInt8 = 0x4
        static let goAway: UInt8 = 0x7
    }

    /// The stream of the first HEADERS frame the client sent after its preface, once it has all arrived.
    static func firstCallStream(in received: ByteBuffer) -> UInt32? {
        var cursor = received.readerIndex + prefaceLength
        while let length = received.getInteger(at: cursor, as: UInt32.self).map({ Int($0 >> 8) }),
            let type = received.getInteger(at: cursor + 3, as: UInt8.self),
            let stream = received.getInteger(at: cursor + 5, as: UInt32.self)
        {
            if type == FrameType.headers { return stream & 0x7FFF_FFFF }
            cursor += frameHeaderLength + length
        }
        return nil
    }

    /// The server's connection preface, an empty SETTINGS frame: clients wait for it before their first call.
    static func serverPreface(_ allocator: ByteBufferAllocator) -> ByteBuffer {
        var frames = allocator.buffer(capacity: frameHeaderLength)
        writeFrame(&frames, type: FrameType.settings, flags: 0, stream: 0, payload: nil)
        return frames
    }

    /// What follows the preface once the call arrived: the settings ack, the call's end with
    /// `grpc-status: 14` (UNAVAILABLE) and `message`, then GOAWAY.
    static func unavailable(stream: UInt32, message: String, _ allocator: ByteBufferAllocator) -> ByteBuffer {
        var block = allocator.buffer(capacity: 128 + message.utf8.count * 3)
        block.writeInteger(UInt8(0x88))  // ":status: 200", index 8 of HPACK's static table
        for (name, value) in [
            ("content-type", "application/grpc"), ("grpc-status", "14"), ("grpc-message", percentEncoded(message)),
        ] {
            block.writeInteger(UInt8(0))  // a literal field, not indexed, with a literal name (RFC 7541 §6.2.2)
            writeString(name, into: &block)
            writeString(value, into: &block)
        }
        var frames = allocator.buffer(capacity: block.readableBytes + 64)
        writeFrame(&frames, type: FrameType.settings, flags: 0x1, stream: 0, payload: nil)  // ACK
        // END_STREAM, END_HEADERS
        writeFrame(&frames, type: FrameType.headers, flags: 0x1 | 0x4, stream: stream, payload: block)
        var goAway = allocator.buffer(capacity: 8)
        goAway.writeInteger(stream)  // the last stream it handled
        goAway.writeInteger(UInt32(0))  // NO_ERROR
        writeFrame(&frames, type: FrameType.goAway, flags: 0, stream: 0, payload: goAway)
        return frames
    }

    private static func writeFrame(
        _ buffer: inout ByteBuffer, type: UInt8, flags: UInt8, stream: UInt32, payload: ByteBuffer?
    ) {
        let length = payload?.readableBytes ?? 0
        buffer.writeInteger(UInt8(truncatingIfNeeded: length >> 16))
        buffer.writeInteger(UInt16(truncatingIfNeeded: length))
        buffer.writeInteger(type)
        buffer.writeInteger(flags)
        buffer.writeInteger(stream)
        if var payload { buffer.writeBuffer(&payload) }
    }

    /// A string literal without Huffman coding: its length as a 7-bit prefix integer (RFC 7541 §5.1), then its bytes.
    private static func writeString(_ text: String, into buffer: inout ByteBuffer) {
        var length = text.utf8.count
        if length < 127 {
            buffer.writeInteger(UInt8(length))
        } else {
            buffer.writeInteger(UInt8(127))
            length -= 127
            while length >= 128 {
                buffer.writeInteger(UInt8(length & 0x7F | 0x80))
                length >>= 7
            }
            buffer.writeInteger(UInt8(length))
        }
        buffer.writeString(text)
    }

    /// gRPC's grpc-message encoding: printable ASCII but '%' as is, every other byte as %XX.
    private static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            if (0x20...0x7E).contains(byte), byte != UInt8(ascii: "%") {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
