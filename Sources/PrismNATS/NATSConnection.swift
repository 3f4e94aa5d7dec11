import CNATS
import PrismRegistry
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What a ``NATSConnection`` reports from libnats' own threads.
protocol NATSConnectionEvents: AnyObject, Sendable {
    /// A message on a subscription made with `kind`; `message` is only valid during the call.
    func received(_ message: NATSMessageView, kind: NATSSubscriptionKind)
    /// Connected, disconnected, reconnected or closed: read ``NATSConnection/status``.
    func connectionChanged(_ event: NATSConnectionEvent)
    /// An asynchronous error, such as a slow consumer dropping messages.
    func asyncError(_ text: String)
}

enum NATSSubscriptionKind: Sendable {
    /// The sender's wildcard inbox: acks and no-responder notices.
    case inbox
    /// Messages addressed to an identity.
    case identity
}

enum NATSConnectionEvent: Sendable {
    case connected, disconnected, reconnected, closed
}

/// One libnats connection: reconnects forever by itself, delivers subscriptions' messages on libnats'
/// shared delivery threads (not one thread per subscription, since prismd subscribes once per identity).
///
/// libnats objects are thread-safe, so this class only guards its own teardown.
final class NATSConnection: @unchecked Sendable {
    let servers: [String]
    private let connection: OpaquePointer
    /// Retained for the life of the process: libnats may still call back on a delivery thread after
    /// the connection is destroyed, and a dangling context there would be a use-after-free.
    private let context: UnsafeMutableRawPointer
    private let closed = Atomic<Bool>(false)

    /// Connects to the first reachable of `servers`. An unreachable server is not an error: libnats
    /// keeps trying in the background and ``status`` says so. A malformed server URL is.
    init(servers: [String], name: String, events: any NATSConnectionEvents) throws(RegistryError) {
        self.servers = servers
        Self.configureLibrary
        var options: OpaquePointer?
        try Self.check(natsOptions_Create(&options), "create connection options")
        defer { natsOptions_Destroy(options) }
        context = Unmanaged.passRetained(EventsBox(events)).toOpaque()
        let serverList = "\(servers.joined(separator: ", "))"
        let setup: [(natsStatus, String)] = [
            (Self.setServers(servers, options), "set servers [\(serverList)]"),
            (natsOptions_SetName(options, name), "set the connection name"),
            (natsOptions_SetMaxReconnect(options, -1), "set reconnect attempts"),
            (natsOptions_SetReconnectWait(options, 250), "set the reconnect wait"),
            (natsOptions_SetTimeout(options, 1000), "set the connect timeout"),
            (natsOptions_SetPingInterval(options, 2000), "set the ping interval"),
            (natsOptions_UseGlobalMessageDelivery(options, true), "use shared delivery threads"),
            (natsOptions_SetRetryOnFailedConnect(options, true, Self.onConnected, context), "retry connecting"),
            (natsOptions_SetDisconnectedCB(options, Self.onDisconnected, context), "watch disconnects"),
            (natsOptions_SetReconnectedCB(options, Self.onReconnected, context), "watch reconnects"),
            (natsOptions_SetClosedCB(options, Self.onClosed, context), "watch closing"),
            (natsOptions_SetErrorHandler(options, Self.onAsyncError, context), "watch async errors"),
        ]
        for (status, action) in setup { try Self.check(status, action) }
        var connection: OpaquePointer?
        let status = natsConnection_Connect(&connection, options)
        guard status == NATS_OK || status == NATS_NOT_YET_CONNECTED, let connection else {
            throw NATSFailure.unavailable(status, "connect", servers: serverList)
        }
        self.connection = connection
    }

    var status: natsConnStatus { natsConnection_Status(connection) }

    var isConnected: Bool { status == NATS_CONN_STATUS_CONNECTED }

    /// The server in use, or nil while not connected.
    var connectedURL: String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard natsConnection_GetConnectedUrl(connection, &buffer, buffer.count) == NATS_OK, buffer[0] != 0 else {
            return nil
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Queues one message in libnats' outgoing buffer; ``flush(timeoutMilliseconds:)`` sends it.
    func publish(subject: String, reply: String?, headers: [(String, String)], payload: [UInt8])
        -> natsStatus
    {
        var message: OpaquePointer?
        let created = payload.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                natsMsg_Create(&message, subject, reply, chars.baseAddress, Int32(chars.count))
            }
        }
        guard created == NATS_OK, let message else { return created }
        defer { natsMsg_Destroy(message) }
        for (key, value) in headers {
            let status = natsMsgHeader_Set(message, key, value)
            guard status == NATS_OK else { return status }
        }
        return natsConnection_PublishMsg(connection, message)
    }

    /// Sends what is buffered and waits for the server to confirm it has read it (a PING round trip).
    func flush(timeoutMilliseconds: Int64) -> natsStatus {
        natsConnection_FlushTimeout(connection, timeoutMilliseconds)
    }

    /// Subscribes with no pending limit: a burst of acks or commands must not be dropped as a "slow
    /// consumer"; the Swift side bounds what it queues.
    func subscribe(_ subject: String, kind: NATSSubscriptionKind) throws(RegistryError) -> NATSSubscription {
        var subscription: OpaquePointer?
        let callback = kind == .inbox ? Self.onInboxMessage : Self.onIdentityMessage
        try Self.check(
            natsConnection_Subscribe(&subscription, connection, subject, callback, context), "subscribe to \(subject)")
        guard let subscription else { throw NATSFailure.unavailable(NATS_ERR, "subscribe to \(subject)") }
        natsSubscription_SetPendingLimits(subscription, -1, -1)
        return NATSSubscription(pointer: subscription)
    }

    func unsubscribe(_ subscription: NATSSubscription) {
        natsSubscription_Unsubscribe(subscription.pointer)
        natsSubscription_Destroy(subscription.pointer)
    }

    /// Closes the connection; calls after it fail with "Connection Closed" rather than touch freed
    /// memory, because the libnats object lives until the last reference to this one goes.
    func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        natsConnection_Close(connection)
    }

    deinit {
        natsConnection_Destroy(connection)
    }

    static func text(_ status: natsStatus) -> String {
        String(cString: natsStatus_GetText(status))
    }

    private static func check(_ status: natsStatus, _ action: String) throws(RegistryError) {
        guard status == NATS_OK else {
            throw NATSFailure.unavailable(status, action)
        }
    }

    private static func setServers(_ servers: [String], _ options: OpaquePointer?) -> natsStatus {
        var pointers: [UnsafePointer<CChar>?] = servers.map { UnsafePointer(strdup($0)) }
        defer { for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) } }
        return natsOptions_SetServers(options, &pointers, Int32(pointers.count))
    }

    /// Two delivery threads: one can deliver acks while the other hands commands to subscribers.
    private static let configureLibrary: Void = {
        nats_SetMessageDeliveryPoolSize(2)
    }()

    private final class EventsBox: Sendable {
        let events: any NATSConnectionEvents
        init(_ events: any NATSConnectionEvents) { self.events = events }
    }

    private static func events(_ context: UnsafeMutableRawPointer?) -> (any NATSConnectionEvents)? {
        context.map { Unmanaged<EventsBox>.fromOpaque($0).takeUnretainedValue().events }
    }

    // C function pointers: static constants, so no closure context is captured.
    private static let onInboxMessage: natsMsgHandler = { _, _, message, context in
        defer { natsMsg_Destroy(message) }
        guard let message else { return }
        events(context)?.received(NATSMessageView(message), kind: .inbox)
    }
    private static let onIdentityMessage: natsMsgHandler = { _, _, message, context in
        defer { natsMsg_Destroy(message) }
        guard let message else { return }
        events(context)?.received(NATSMessageView(message), kind: .identity)
    }
    private static let onConnected: natsConnectionHandler = { _, context in
        events(context)?.connectionChanged(.connected)
    }
    private static let onDisconnected: natsConnectionHandler = { _, context in
        events(context)?.connectionChanged(.disconnected)
    }
    private static let onReconnected: natsConnectionHandler = { _, context in
        events(context)?.connectionChanged(.reconnected)
    }
    private static let onClosed: natsConnectionHandler = { _, context in
        events(context)?.connectionChanged(.closed)
    }
    private static let onAsyncError: natsErrHandler = { _, _, status, context in
        events(context)?.asyncError(text(status))
    }
}

/// A libnats subscription; libnats makes it safe to use from any thread.
struct NATSSubscription: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// A received message, valid only inside the callback that receives it.
struct NATSMessageView {
    private let message: OpaquePointer

    init(_ message: OpaquePointer) { self.message = message }

    var subject: String { String(cString: natsMsg_GetSubject(message)) }

    var reply: String? { natsMsg_GetReply(message).map { String(cString: $0) } }

    var payloadCount: Int { Int(natsMsg_GetDataLength(message)) }

    var payload: [UInt8] {
        let count = payloadCount
        guard count > 0, let data = natsMsg_GetData(message) else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: count) {
            Array(UnsafeBufferPointer(start: $0, count: count))
        }
    }

    var isNoResponders: Bool { natsMsg_IsNoResponders(message) }

    func header(_ key: String) -> String? {
        var value: UnsafePointer<CChar>?
        guard natsMsgHeader_Get(message, key, &value) == NATS_OK, let value else { return nil }
        return String(cString: value)
    }
}
