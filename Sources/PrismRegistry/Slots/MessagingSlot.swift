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
    /// act on it (the message counts as FAILED with that text).
    func acknowledge(messageID: String, error: String?) async throws(RegistryError)

    func health() async -> SlotHealth

    func close() async
}

/// A message on its way to one identity.
public struct OutboundMessage: Sendable {
    public var identity: String
    /// Unique per message; acks name it.
    public var messageID: String
    /// Shared by all messages of one multicast.
    public var multicastID: String
    public var namespace: String
    public var payload: [UInt8]
    public var contentType: String

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

    public init(identity: String, status: DeliveryStatus, error: String? = nil) {
        self.identity = identity
        self.status = status
        self.error = error
    }
}

/// Messages for subscribed identities; iterate it, and cancel it (or drop it) to unsubscribe.
public struct MessageSubscription: AsyncSequence, Sendable {
    public typealias Element = InboundMessage
    private let stream: AsyncStream<InboundMessage>
    private let onCancel: @Sendable () -> Void

    public init(stream: AsyncStream<InboundMessage>, onCancel: @escaping @Sendable () -> Void) {
        self.stream = stream
        self.onCancel = onCancel
    }

    public func makeAsyncIterator() -> AsyncStream<InboundMessage>.AsyncIterator { stream.makeAsyncIterator() }

    /// Stops delivery; the sequence then ends.
    public func cancel() { onCancel() }
}
