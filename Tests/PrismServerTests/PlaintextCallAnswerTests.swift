import NIOCore
import NIOHPACK
import Testing

@testable import PrismServer

/// The frames that answer a plaintext client on the TLS port, read back with swift-nio-http2's own HPACK
/// decoder: what any gRPC client would see.
@Suite("the answer to a plaintext call on the TLS port")
struct PlaintextCallAnswerTests {
    @Test("the first call's stream is found once its HEADERS frame header has arrived, not before")
    func firstCall() {
        var bytes = ByteBuffer(bytes: HTTP2FrameScannerTests.preface)
        bytes.writeBytes(HTTP2FrameScannerTests.frame(type: 0x4, stream: 0, payload: [0, 3, 0, 0, 0, 100]))
        bytes.writeBytes(HTTP2FrameScannerTests.frame(type: 0x8, stream: 0, payload: [0, 1, 0, 0]))
        #expect(PlaintextCallAnswer.firstCallStream(in: bytes) == nil)
        let headers = HTTP2FrameScannerTests.frame(type: 0x1, stream: 5, payload: [0x83, 0x86])
        var partial = bytes
        partial.writeBytes(headers.prefix(6))
        #expect(PlaintextCallAnswer.firstCallStream(in: partial) == nil)
        bytes.writeBytes(headers)
        #expect(PlaintextCallAnswer.firstCallStream(in: bytes) == 5)
    }

    @Test("settings ack, a trailers-only UNAVAILABLE with the message percent-encoded, then GOAWAY")
    func answer() throws {
        // Longer than 127 bytes, so that the string length takes HPACK's multi-byte integer form.
        let message =
            "prismd speaks TLS here: 100% of calls need it, café or not. " + String(repeating: "x", count: 150)
        var frames = PlaintextCallAnswer.unavailable(stream: 3, message: message, ByteBufferAllocator())
        var seen: [(type: UInt8, flags: UInt8, stream: UInt32, payload: ByteBuffer)] = []
        while frames.readableBytes >= 9 {
            let length = Int(frames.readInteger(as: UInt8.self)!) << 16 | Int(frames.readInteger(as: UInt16.self)!)
            let type = frames.readInteger(as: UInt8.self)!
            let flags = frames.readInteger(as: UInt8.self)!
            let stream = frames.readInteger(as: UInt32.self)!
            seen.append((type, flags, stream, frames.readSlice(length: length)!))
        }
        #expect(frames.readableBytes == 0)
        #expect(seen.map(\.type) == [0x4, 0x1, 0x7])
        #expect(seen[0].flags == 0x1 && seen[0].payload.readableBytes == 0, "SETTINGS with ACK")
        #expect(seen[1].stream == 3 && seen[1].flags == 0x5, "HEADERS ending the stream and the header block")
        var decoder = HPACKDecoder(allocator: ByteBufferAllocator())
        var block = seen[1].payload
        let headers = try decoder.decodeHeaders(from: &block)
        #expect(headers[":status"] == ["200"])
        #expect(headers["content-type"] == ["application/grpc"])
        #expect(headers["grpc-status"] == ["14"])
        let encoded = try #require(headers["grpc-message"].first)
        #expect(encoded.allSatisfy { $0.isASCII })
        #expect(encoded.removingPercentEncoding == message)
        var goAway = seen[2].payload
        #expect(goAway.readInteger(as: UInt32.self) == 3, "the last stream handled")
        #expect(goAway.readInteger(as: UInt32.self) == 0, "NO_ERROR")
    }
}
