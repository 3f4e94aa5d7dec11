import NIOCore
import Testing

@testable import PrismServer

/// The scanner under the stream-reset guard: what it takes out of a client's byte stream and what it
/// passes on, however the bytes are split into reads.
@Suite("HTTP/2 frame scanner (the stream-reset guard's parser)")
struct HTTP2FrameScannerTests {
    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    static func frame(type: UInt8, stream: UInt32, payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [UInt8(length >> 16), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF), type, 0]
            + [UInt8(stream >> 24), UInt8((stream >> 16) & 0xFF), UInt8((stream >> 8) & 0xFF), UInt8(stream & 0xFF)]
            + payload
    }

    static func headers(_ stream: UInt32) -> [UInt8] { frame(type: 1, stream: stream, payload: [0x82, 0x86, 0x84]) }
    static func data(_ stream: UInt32, _ count: Int) -> [UInt8] {
        frame(type: 0, stream: stream, payload: Array(repeating: 0x55, count: count))
    }
    static func reset(_ stream: UInt32, code: UInt8 = 8) -> [UInt8] {
        frame(type: 3, stream: stream, payload: [0, 0, 0, code])
    }
    static let settings = frame(type: 4, stream: 0, payload: [0, 3, 0, 0, 0, 100])

    struct Outcome: Equatable {
        var forwarded: [UInt8] = []
        var resets: [UInt32] = []
    }

    /// Feeds `bytes` in reads of `chunk` bytes, taking out every reset offered unless `refuse`.
    static func scan(_ bytes: [UInt8], chunk: Int, refuse: Bool = false) -> Outcome {
        var scanner = HTTP2FrameScanner()
        var outcome = Outcome()
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            scanner.scan(ByteBuffer(bytes: bytes[start..<end])) { forwarded in
                outcome.forwarded += forwarded.readableBytesView
            } reset: { stream, code in
                #expect(code == 8)
                guard !refuse else { return false }
                outcome.resets.append(stream)
                return true
            }
            start = end
        }
        return outcome
    }

    static let chunkSizes = [1, 2, 5, 9, 12, 13, 14, 31, 64, 100_000]

    @Test("a reset of an opened stream is taken out, and everything else passes in order", arguments: chunkSizes)
    func takesOutResets(chunk: Int) {
        let before = Self.preface + Self.settings + Self.headers(1) + Self.data(1, 40) + Self.headers(3)
        let between = Self.data(3, 20) + Self.headers(5)
        let after = Self.data(5, 16_384) + Self.settings
        let stream = before + Self.reset(1) + between + Self.reset(3) + after
        let outcome = Self.scan(stream, chunk: chunk)
        #expect(outcome.resets == [1, 3])
        #expect(outcome.forwarded == before + between + after)
    }

    @Test("a refused reset passes through untouched", arguments: [1, 13, 100_000])
    func refusedResetPasses(chunk: Int) {
        let stream = Self.preface + Self.headers(1) + Self.reset(1) + Self.headers(3)
        let outcome = Self.scan(stream, chunk: chunk, refuse: true)
        #expect(outcome.resets.isEmpty)
        #expect(outcome.forwarded == stream)
    }

    @Test("resets of idle streams, stream 0 and malformed resets are left to the HTTP/2 handler")
    func leavesProtocolErrors() {
        let idle = Self.reset(7)
        let connectionLevel = Self.reset(0)
        let malformed = Self.frame(type: 3, stream: 1, payload: [0, 0, 0, 8, 0])
        let stream = Self.preface + Self.headers(1) + idle + connectionLevel + malformed
        let outcome = Self.scan(stream, chunk: 100_000)
        #expect(outcome.resets.isEmpty)
        #expect(outcome.forwarded == stream)
    }

    @Test("a reset's bytes inside a DATA payload are payload, not a frame")
    func payloadIsNotParsed() {
        let lookalike = Self.reset(1)
        let stream = Self.preface + Self.headers(1) + Self.frame(type: 0, stream: 1, payload: lookalike)
        for chunk in Self.chunkSizes {
            let outcome = Self.scan(stream, chunk: chunk)
            #expect(outcome.resets.isEmpty)
            #expect(outcome.forwarded == stream)
        }
    }

    @Test("an incomplete frame header waits for the next read and is never forwarded early")
    func holdsBackPartialHeader() {
        var scanner = HTTP2FrameScanner()
        var forwarded: [UInt8] = []
        let start = Self.preface + Self.headers(1)
        let reset = Self.reset(1)
        scanner.scan(ByteBuffer(bytes: start + reset.prefix(10))) {
            forwarded += $0.readableBytesView
        } reset: { _, _ in
            true
        }
        #expect(forwarded == start)
        var taken: [UInt32] = []
        scanner.scan(ByteBuffer(bytes: reset.dropFirst(10))) {
            forwarded += $0.readableBytesView
        } reset: { stream, _ in
            taken.append(stream)
            return true
        }
        #expect(taken == [1])
        #expect(forwarded == start)
    }
}
