import CHiredis
import Foundation
import PrismRegistry

/// One blocking hiredis context. Not thread-safe (hiredis contexts are not): ``RedisConnectionPool``
/// confines each connection to its own serial queue.
///
/// A context is dead once `err` is set (hiredis keeps the "connected" flag, appends still succeed, and
/// every later read fails), so any transport error frees it; the next command reconnects, no sooner
/// than the backoff allows, so that a Redis that is down costs callers one fast failure each.
final class RedisConnection {
    let host: String
    let port: Int
    let connectTimeout: Duration
    let commandTimeout: Duration
    private var context: UnsafeMutablePointer<redisContext>?
    private var lastFailure: (at: ContinuousClock.Instant, message: String)?
    private var backoff: Duration = .milliseconds(50)
    static let maxBackoff = Duration.seconds(1)

    init(host: String, port: Int, connectTimeout: Duration, commandTimeout: Duration) {
        self.host = host
        self.port = port
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    deinit { if let context { redisFree(context) } }

    var address: String { "\(host):\(port)" }

    /// Sends every command, then reads every reply (one round trip for the batch).
    /// - Throws: UNAVAILABLE when Redis cannot be reached or the connection broke; the batch's outcome
    ///   is then unknown. Command-level errors come back as ``RedisReply/error(_:)``.
    func pipeline(_ commands: [[[UInt8]]]) throws(RegistryError) -> [RedisReply] {
        let context = try connected()
        for command in commands {
            let status = Self.append(command, to: context)
            guard status == REDIS_OK else { throw fail(context, doing: "sending a command") }
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
                throw fail(context, doing: "reading a reply")
            }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            replies.append(RedisReply(reply))
            freeReplyObject(raw)
        }
        return replies
    }

    private static func append(_ command: [[UInt8]], to context: UnsafeMutablePointer<redisContext>) -> Int32 {
        // hiredis copies the formatted command into its output buffer during the call, so the argument
        // buffers only need to live until it returns.
        let lengths = command.map(\.count)
        var pointers: [UnsafePointer<CChar>?] = []
        pointers.reserveCapacity(command.count)
        let storage = command.map { argument -> UnsafeMutableBufferPointer<CChar> in
            let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(1, argument.count))
            argument.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress {
                    UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: base, byteCount: bytes.count)
                }
            }
            return buffer
        }
        defer { for buffer in storage { buffer.deallocate() } }
        for buffer in storage { pointers.append(UnsafePointer(buffer.baseAddress)) }
        return pointers.withUnsafeMutableBufferPointer { argv in
            lengths.withUnsafeBufferPointer { argvlen in
                redisAppendCommandArgv(context, Int32(command.count), argv.baseAddress, argvlen.baseAddress)
            }
        }
    }

    private func connected() throws(RegistryError) -> UnsafeMutablePointer<redisContext> {
        if let context { return context }
        if let lastFailure, ContinuousClock.now - lastFailure.at < backoff {
            throw RedisFailure.unreachable(address, "\(lastFailure.message) (reconnecting with backoff)")
        }
        guard let context = redisConnectWithTimeout(host, Int32(port), Self.timeval(connectTimeout)) else {
            throw recordFailure("out of memory creating a hiredis context")
        }
        guard context.pointee.err == 0 else {
            let message = String(cString: prism_redis_errstr(context))
            redisFree(context)
            throw recordFailure(message)
        }
        // The connect timeout does not cover reads and writes; without this a stuck Redis blocks for ever.
        redisSetTimeout(context, Self.timeval(commandTimeout))
        redisEnableKeepAlive(context)
        self.context = context
        lastFailure = nil
        backoff = .milliseconds(50)
        return context
    }

    private func fail(_ context: UnsafeMutablePointer<redisContext>, doing what: String) -> RegistryError {
        let message = String(cString: prism_redis_errstr(context))
        redisFree(context)
        self.context = nil
        return recordFailure("\(what): \(message.isEmpty ? "connection lost" : message)")
    }

    private func recordFailure(_ message: String) -> RegistryError {
        if lastFailure != nil { backoff = min(backoff * 2, Self.maxBackoff) }
        lastFailure = (.now, message)
        return RedisFailure.unreachable(address, message)
    }

    private static func timeval(_ duration: Duration) -> Glibc.timeval {
        let (seconds, attoseconds) = duration.components
        return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
