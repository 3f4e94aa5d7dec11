import CNATS
import Dispatch
import Synchronization

/// What libnats itself does on this machine, measured in the same run as Prism's NATS figures so that
/// each can be quoted as a ratio (DESIGN §7).
enum NATSBaseline {
    /// Messages per second published to `count` distinct subjects, then one flush.
    static func publishRate(url: String, count: Int) throws -> Double {
        let connection = try RawNATSConnection(url: url)
        defer { connection.close() }
        let payload: [CChar] = Array(repeating: 0x61, count: 16)
        let subjects = (0..<count).map { "bench.raw.\($0)" }
        let start = Stopwatch.now()
        for subject in subjects {
            try connection.check(natsConnection_Publish(connection.pointer, subject, payload, Int32(payload.count)))
        }
        try connection.check(natsConnection_FlushTimeout(connection.pointer, 30_000))
        return Double(count) / (Double(Stopwatch.now() - start) / 1e9)
    }

    /// The same with Prism's four headers on each message (libnats builds a header map per message).
    static func publishRateWithHeaders(url: String, count: Int) throws -> Double {
        let connection = try RawNATSConnection(url: url)
        defer { connection.close() }
        let payload: [CChar] = Array(repeating: 0x61, count: 16)
        let subjects = (0..<count).map { ("bench.raw.\($0)", "id-\($0)") }
        let start = Stopwatch.now()
        for (subject, id) in subjects {
            var message: OpaquePointer?
            try connection.check(natsMsg_Create(&message, subject, nil, payload, Int32(payload.count)))
            natsMsgHeader_Set(message, "Prism-Message-Id", id)
            natsMsgHeader_Set(message, "Prism-Multicast-Id", "multicast")
            natsMsgHeader_Set(message, "Prism-Namespace", "bench")
            natsMsgHeader_Set(message, "Content-Type", "application/json")
            let status = natsConnection_PublishMsg(connection.pointer, message)
            natsMsg_Destroy(message)
            try connection.check(status)
        }
        try connection.check(natsConnection_FlushTimeout(connection.pointer, 30_000))
        return Double(count) / (Double(Stopwatch.now() - start) / 1e9)
    }

    /// Seconds from the first of `count` requests (distinct subjects, one wildcard responder, replies on
    /// one wildcard inbox) to the last reply.
    static func scatterGather(url: String, count: Int) throws -> Double {
        let responder = try RawNATSConnection(url: url)
        let requester = try RawNATSConnection(url: url)
        defer {
            requester.close()
            responder.close()
        }
        let responses = try responder.subscribe("bench.sg.*", handler: RawNATSConnection.replyEmpty)
        let replies = ReplyCounter(expected: count)
        let inbox = try requester.subscribe("_INBOX.bench.*", handler: ReplyCounter.count, context: replies)
        try responder.check(natsConnection_FlushTimeout(responder.pointer, 5000))
        try requester.check(natsConnection_FlushTimeout(requester.pointer, 5000))
        let subjects = (0..<count).map { ("bench.sg.\($0)", "_INBOX.bench.\($0)") }
        let start = Stopwatch.now()
        for (subject, reply) in subjects {
            try requester.check(natsConnection_PublishRequest(requester.pointer, subject, reply, nil, 0))
        }
        try requester.check(natsConnection_FlushTimeout(requester.pointer, 30_000))
        guard replies.done.wait(timeout: .now() + 60) == .success else {
            throw BenchError("scatter-gather: \(replies.received) of \(count) replies within 60 s")
        }
        let seconds = Double(Stopwatch.now() - start) / 1e9
        natsSubscription_Destroy(inbox)
        natsSubscription_Destroy(responses)
        return seconds
    }

    /// Microseconds per request/reply round trip (median of `count`, one at a time).
    static func requestRoundTrip(url: String, count: Int) throws -> Percentiles {
        // Sent at once: libnats' flusher otherwise batches writes for up to a millisecond, which would
        // be measured instead of the round trip.
        let responder = try RawNATSConnection(url: url, sendAsap: true)
        let requester = try RawNATSConnection(url: url, sendAsap: true)
        defer {
            requester.close()
            responder.close()
        }
        let responses = try responder.subscribe("bench.rtt", handler: RawNATSConnection.replyEmpty)
        try responder.check(natsConnection_FlushTimeout(responder.pointer, 5000))
        var samples: [Double] = []
        for _ in 0..<count {
            var reply: OpaquePointer?
            let start = Stopwatch.now()
            try requester.check(natsConnection_Request(&reply, requester.pointer, "bench.rtt", nil, 0, 5000))
            samples.append(Double(Stopwatch.now() - start) / 1e3)
            natsMsg_Destroy(reply)
        }
        natsSubscription_Destroy(responses)
        return Percentiles(samples)
    }
}

/// Counts replies and signals when all arrived; reached from libnats' delivery thread.
final class ReplyCounter: Sendable {
    let expected: Int
    let done = DispatchSemaphore(value: 0)
    private let counter = Atomic<Int>(0)

    init(expected: Int) { self.expected = expected }

    var received: Int { counter.load(ordering: .relaxed) }

    static let count: natsMsgHandler = { _, _, message, context in
        natsMsg_Destroy(message)
        guard let context else { return }
        let counter = Unmanaged<ReplyCounter>.fromOpaque(context).takeUnretainedValue()
        if counter.counter.add(1, ordering: .relaxed).newValue == counter.expected { counter.done.signal() }
    }
}

/// A bare libnats connection for baselines and for simulated devices that speak NATS directly.
final class RawNATSConnection: @unchecked Sendable {
    let pointer: OpaquePointer
    private var contexts: [Unmanaged<AnyObject>] = []

    init(url: String, sendAsap: Bool = false) throws {
        nats_SetMessageDeliveryPoolSize(2)
        var options: OpaquePointer?
        natsOptions_Create(&options)
        defer { natsOptions_Destroy(options) }
        natsOptions_SetURL(options, url)
        natsOptions_SetSendAsap(options, sendAsap)
        // Devices subscribe by the thousand: shared delivery threads, not one per subscription.
        natsOptions_UseGlobalMessageDelivery(options, true)
        var connection: OpaquePointer?
        let status = natsConnection_Connect(&connection, options)
        guard status == NATS_OK, let connection else {
            throw BenchError("cannot connect to \(url): \(String(cString: natsStatus_GetText(status)))")
        }
        pointer = connection
    }

    func check(_ status: natsStatus) throws {
        guard status == NATS_OK else { throw BenchError("libnats: \(String(cString: natsStatus_GetText(status)))") }
    }

    /// Subscribes without pending limits; `context` stays alive as long as this connection.
    func subscribe(_ subject: String, handler: natsMsgHandler, context: AnyObject? = nil) throws -> OpaquePointer {
        var subscription: OpaquePointer?
        var raw: UnsafeMutableRawPointer?
        if let context {
            let retained = Unmanaged.passRetained(context)
            contexts.append(retained)
            raw = retained.toOpaque()
        }
        try check(natsConnection_Subscribe(&subscription, pointer, subject, handler, raw))
        guard let subscription else { throw BenchError("libnats gave no subscription for \(subject)") }
        natsSubscription_SetPendingLimits(subscription, -1, -1)
        return subscription
    }

    func close() {
        natsConnection_Close(pointer)
    }

    deinit {
        natsConnection_Destroy(pointer)
        for context in contexts { context.release() }
    }

    /// Acks like a device: an empty reply when the message asks for one.
    static let replyEmpty: natsMsgHandler = { connection, _, message, _ in
        if let reply = natsMsg_GetReply(message) { natsConnection_Publish(connection, reply, nil, 0) }
        natsMsg_Destroy(message)
    }
}
