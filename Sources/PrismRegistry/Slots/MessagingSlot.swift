/// The messaging slot: delivers a multicast's messages to identities, and subscribers' acks back.
///
/// Implementations batch: ``publish(_:)`` and ``request(_:timeout:)`` receive a whole batch, so NATS can
/// flush once per batch and the in-process slot can take its lock once.
public protocol MessagingSlot: Sendable {
    /// The backend's name as configured: `inproc`, `nats`.
    var backend: String { get }

    /// At-most-once delivery: DELIVERED when the backend accepted the message, FAILED when it refused
    /// it or knows nobody listens.
    func publish(_ messages: [OutboundMessage]) async -> [DeliveryResult]

    /// Acknowledged delivery: DELIVERED when the receiver acked before `timeout`, TIMEOUT when not,
    /// FAILED when the backend refused the message or knows nobody listens (known at once, not after the
    /// timeout).
    func request(_ messages: [OutboundMessage], timeout: Duration) async -> [DeliveryResult]

    /// A stream of the messages addressed to `identities`, until the subscription is cancelled.
    func subscribe(to identities: [String]) async throws(RegistryError) -> MessageSubscription

    /// Acknowledges a message received with ``InboundMessage/ackRequested``; `error` reports a failure to
    /// act on it (the message counts as FAILED with that text). `reply` is the receiver's answer (at most
    /// ``DeliveryResult/maxReplyBytes``), reported to the sender with the outcome.
    func acknowledge(messageID: String, error: String?, reply: [UInt8]) async throws(RegistryError)

    /// Throws UNAVAILABLE when the backend cannot take messages now, so a multicast fails fast as a
    /// whole instead of reporting every target FAILED.
    func requireAvailable() throws(RegistryError)

    func health() async -> SlotHealth

    /// The slot's background work until the calling task is cancelled, driven by the namespace's
    /// ``Coordinator/run()``; slots without any return at once.
    func run() async

    func close() async
}

extension MessagingSlot {
    public func run() async {}

    public func requireAvailable() throws(RegistryError) {}

    public func acknowledge(messageID: String, error: String?) async throws(RegistryError) {
        try await acknowledge(messageID: messageID, error: error, reply: [])
    }
}

/// A message on its way to one identity.
///
/// A class, not a struct: a message passes through several hands (fan-out, slot, subscriber queue, API
/// stream), and copying a reference costs one reference count where the fields would cost five.
public final class OutboundMessage: Sendable {
    public let identity: String
    /// Unique per message; acks name it.
    public let messageID: String
    /// Shared by all messages of one multicast.
    public let multicastID: String
    public let namespace: String
    public let payload: [UInt8]
    public let contentType: String

    public init(
        identity: String, messageID: String, multicastID: String, namespace: String, payload: [UInt8],
        contentType: String
    ) {
        self.identity = identity
        self.messageID = messageID
        self.multicastID = multicastID
        self.namespace = namespace
        self.payload = payload
        self.contentType = contentType
    }
}

/// A message as a subscriber receives it.
public struct InboundMessage: Sendable {
    public var message: OutboundMessage
    /// Whether the sender waits for ``MessagingSlot/acknowledge(messageID:error:)``.
    public var ackRequested: Bool

    public init(message: OutboundMessage, ackRequested: Bool) {
        self.message = message
        self.ackRequested = ackRequested
    }
}

/// What happened to one identity's message.
public enum DeliveryStatus: String, Sendable, CustomStringConvertible {
    case delivered = "DELIVERED"
    case pending = "PENDING"
    case failed = "FAILED"
    case timeout = "TIMEOUT"

    public var description: String { rawValue }
}

public struct DeliveryResult: Sendable, Equatable {
    public var identity: String
    public var status: DeliveryStatus
    /// Why it failed or timed out; `nil` when delivered.
    public var error: String?
    /// What the receiver answered with its ack (a reading, say); empty when it answered nothing.
    public var reply: [UInt8]

    /// A reply travels back inside the multicast's report, so it is kept small: a report to 100,000
    /// identities stays below half a gigabyte even when every one answers in full.
    public static let maxReplyBytes = 4096

    /// What every slot's ``MessagingSlot/acknowledge(messageID:error:reply:)`` checks first: a reply
    /// above ``maxReplyBytes`` is INVALID_ARGUMENT, and the message keeps waiting for an ack.
    public static func checkAckReply(_ reply: [UInt8]) throws(RegistryError) {
        guard reply.count <= maxReplyBytes else {
            throw RegistryError(
                .invalidArgument, "reply is \(reply.count) bytes; at most \(maxReplyBytes) travel back with an ack")
        }
    }

    /// An ack's error as the sender reports it: a blank one still says that something failed.
    public static func ackError(_ error: String?) -> String? {
        guard let error else { return nil }
        return error.contains(where: { !$0.isWhitespace }) ? error : "error"
    }

    public init(identity: String, status: DeliveryStatus, error: String? = nil, reply: [UInt8] = []) {
        self.identity = identity
        self.status = status
        self.error = error
        self.reply = reply
    }
}

/// Messages for subscribed identities; iterate it (from one task), and cancel it to unsubscribe.
/// Dropping every copy of it unsubscribes too.
public struct MessageSubscription: AsyncSequence, Sendable {
    public typealias Element = InboundMessage

    /// Unsubscribes when the last copy of the subscription (or its iterator) goes away.
    fileprivate final class Handle: Sendable {
        let mailbox: Mailbox
        let onCancel: @Sendable () -> Void

        init(mailbox: Mailbox, onCancel: @escaping @Sendable () -> Void) {
            self.mailbox = mailbox
            self.onCancel = onCancel
        }

        deinit { onCancel() }
    }

    private let handle: Handle

    /// - Parameters:
    ///   - mailbox: where the slot pushes this subscription's messages.
    ///   - onCancel: removes the subscription from the slot and finishes the mailbox; called once or more.
    public init(mailbox: Mailbox, onCancel: @escaping @Sendable () -> Void) {
        handle = Handle(mailbox: mailbox, onCancel: onCancel)
    }

    public struct Iterator: AsyncIteratorProtocol {
        fileprivate let handle: Handle

        public mutating func next() async -> InboundMessage? { await handle.mailbox.next() }
    }

    public func makeAsyncIterator() -> Iterator { Iterator(handle: handle) }

    /// Stops delivery; iteration then ends after the queued messages.
    public func cancel() { handle.onCancel() }
}
