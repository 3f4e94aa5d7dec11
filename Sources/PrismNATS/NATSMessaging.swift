import CNATS
import PrismDurations
import PrismRegistry
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The messaging slot on NATS (DESIGN §3): a message to identity `x` of namespace `ns` is published on
/// `<prefix>.ns.x`; ack mode makes it a request whose reply subject is on one wildcard inbox.
///
/// Several prismd share one NATS: a multicast from one reaches Subscribe streams on every other, and
/// devices may subscribe to their subject on NATS directly and reply to ack. The NATS server's
/// no-responders notice makes a message to an identity nobody subscribes FAILED at once in ack mode;
/// at-most-once publishes cannot know, so DELIVERED there means NATS accepted the message.
public final class NATSMessaging: MessagingSlot {
    public struct Configuration: Sendable {
        public var servers: [String]
        /// Subjects are `<subjectPrefix>.<namespace>.<identity>`.
        public var subjectPrefix: String
        public var namespace: String
        /// Messages a local subscriber may have queued before further ones to it fail.
        public var subscriberBufferSize: Int
        /// How long a publish waits for the server to confirm the batch.
        public var flushTimeout: Duration
        /// How long reconnecting counts as DEGRADED before it is UNHEALTHY.
        public var reconnectGrace: Duration

        public init(
            servers: [String], namespace: String, subjectPrefix: String = "prism.multicast",
            subscriberBufferSize: Int = 4096, flushTimeout: Duration = .seconds(1),
            reconnectGrace: Duration = .seconds(2)
        ) {
            self.servers = servers
            self.namespace = namespace
            self.subjectPrefix = subjectPrefix
            self.subscriberBufferSize = subscriberBufferSize
            self.flushTimeout = flushTimeout
            self.reconnectGrace = reconnectGrace
        }
    }

    public let backend = "nats"
    public let configuration: Configuration
    private let router: NATSRouter
    private let connection: NATSConnection
    private let publisher: NATSPublisher
    private let inbox: String
    private let inboxSubscription: NATSSubscription
    /// Held while NATS subscriptions are made or dropped, never by libnats' callbacks.
    private let subscriptionLock = Mutex<[String: NATSSubscription]>([:])
    private let closed = Atomic<Bool>(false)

    /// Connects (or starts reconnecting in the background when no server answers yet) and subscribes
    /// the inbox. Throws only for a configuration libnats refuses, such as a malformed server URL.
    public init(_ configuration: Configuration) throws(RegistryError) {
        self.configuration = configuration
        let identityPrefix = "\(configuration.subjectPrefix).\(configuration.namespace)."
        inbox = "_INBOX.prism.\(String(UInt64.random(in: 1...UInt64.max), radix: 36))"
        router = NATSRouter(
            identitySubjectPrefix: identityPrefix, inboxPrefix: inbox + ".", namespace: configuration.namespace)
        connection = try NATSConnection(
            servers: configuration.servers, name: "prismd namespace \(configuration.namespace)", events: router)
        router.attach(connection)
        publisher = NATSPublisher(
            connection: connection, flushTimeoutMilliseconds: max(1, Self.milliseconds(configuration.flushTimeout)))
        do {
            inboxSubscription = try connection.subscribe(inbox + ".*", kind: .inbox)
        } catch {
            connection.close()
            throw error
        }
    }

    func subject(for identity: String) -> String { router.identitySubjectPrefix + identity }

    public func publish(_ messages: [OutboundMessage]) async -> [DeliveryResult] {
        if let unavailable = unavailableResults(messages) { return unavailable }
        let (statuses, flush) = await publisher.publish { [router] connection in
            messages.map { message in
                guard Self.isAddressable(message.identity) else { return NATS_INVALID_SUBJECT }
                return connection.publish(
                    subject: router.identitySubjectPrefix + message.identity, reply: nil,
                    headers: Self.headers(of: message, ackTimeout: nil), payload: message.payload)
            }
        }
        return zip(messages, statuses).map { message, status in
            if status != NATS_OK {
                return DeliveryResult(
                    identity: message.identity, status: .failed, error: "nats refused: \(NATSConnection.text(status))")
            }
            if flush != NATS_OK {
                return DeliveryResult(
                    identity: message.identity, status: .failed,
                    error: "nats did not confirm the publish: \(NATSConnection.text(flush))")
            }
            return DeliveryResult(identity: message.identity, status: .delivered)
        }
    }

    public func request(_ messages: [OutboundMessage], timeout: Duration) async -> [DeliveryResult] {
        if let unavailable = unavailableResults(messages) { return unavailable }
        let waiter = AckWaiter(messages: messages)
        router.awaitAcks(for: messages, with: waiter)
        let timeoutMilliseconds = Self.milliseconds(timeout)
        let (statuses, _) = await publisher.publish { [router, inbox] connection in
            messages.map { message in
                guard Self.isAddressable(message.identity) else { return NATS_INVALID_SUBJECT }
                return connection.publish(
                    subject: router.identitySubjectPrefix + message.identity, reply: "\(inbox).\(message.messageID)",
                    headers: Self.headers(of: message, ackTimeout: timeoutMilliseconds), payload: message.payload)
            }
        }
        for (message, status) in zip(messages, statuses) where status != NATS_OK {
            waiter.settle(
                messageID: message.messageID,
                with: DeliveryResult(
                    identity: message.identity, status: .failed, error: "nats refused: \(NATSConnection.text(status))"))
        }
        await waiter.wait(timeout: timeout)
        router.stopAwaiting(messages)
        return waiter.results(timeoutError: "no ack within \(timeout.written)")
    }

    public func subscribe(to identities: [String]) async throws(RegistryError) -> MessageSubscription {
        let mailbox = Mailbox(capacity: configuration.subscriberBufferSize)
        for identity in identities { try Self.requireSubjectTokens(identity) }
        let id = try subscriptionLock.withLock { subscriptions throws(RegistryError) -> UInt64 in
            guard !closed.load(ordering: .acquiring) else {
                throw RegistryError(
                    .unavailable, "the NATS messaging slot of namespace '\(configuration.namespace)' is closed")
            }
            let (id, firstLocal) = router.addSubscriber(mailbox, for: identities)
            var made: [String: NATSSubscription] = [:]
            do throws(RegistryError) {
                for identity in firstLocal where subscriptions[identity] == nil {
                    made[identity] = try connection.subscribe(subject(for: identity), kind: .identity)
                }
            } catch {
                for subscription in made.values { connection.unsubscribe(subscription) }
                _ = router.removeSubscriber(id, for: identities)
                throw error
            }
            subscriptions.merge(made) { old, _ in old }
            return id
        }
        // The server must know the subscriptions before this returns, or messages sent right after
        // would meet no responders. While disconnected, libnats re-subscribes on reconnect.
        _ = await publisher.publish { _ in () }
        return MessageSubscription(mailbox: mailbox) { [weak self] in
            self?.unsubscribe(id, from: identities)
            mailbox.finish()
        }
    }

    /// NATS subjects are dot-separated tokens, none empty; a name such as `x.` or `a..b` (valid as an
    /// identity) has no subject.
    static func isAddressable(_ identity: String) -> Bool {
        !identity.hasPrefix(".") && !identity.hasSuffix(".") && !identity.contains("..")
    }

    static func requireSubjectTokens(_ identity: String) throws(RegistryError) {
        guard isAddressable(identity) else {
            throw RegistryError(
                .invalidArgument,
                "identity '\(identity)' cannot be addressed on NATS: a subject cannot start or end with '.' or hold '..'"
            )
        }
    }

    private func unsubscribe(_ id: UInt64, from identities: [String]) {
        subscriptionLock.withLock { subscriptions in
            for identity in router.removeSubscriber(id, for: identities) {
                if let subscription = subscriptions.removeValue(forKey: identity) {
                    connection.unsubscribe(subscription)
                }
            }
        }
    }

    public func acknowledge(messageID: String, error: String?, reply: [UInt8]) async throws(RegistryError) {
        try DeliveryResult.checkAckReply(reply)
        guard let replySubject = router.takeReplySubject(for: messageID) else {
            throw RegistryError(.notFound, "no message '\(messageID)' is awaiting an ack (already acked or timed out)")
        }
        let headers =
            DeliveryResult.ackError(error).map { [(NATSHeaders.ackError, NATSHeaders.value($0, fallback: "error"))] }
            ?? []
        let (status, flush) = await publisher.publish { connection in
            connection.publish(subject: replySubject, reply: nil, headers: headers, payload: reply)
        }
        guard status == NATS_OK, flush == NATS_OK else {
            let failed = status == NATS_OK ? flush : status
            throw NATSFailure.unavailable(failed, "send the ack")
        }
    }

    public func requireAvailable() throws(RegistryError) {
        guard connection.isConnected else {
            throw RegistryError(
                .unavailable,
                "messaging backend nats is unreachable: \(router.outage(grace: configuration.reconnectGrace).detail)")
        }
    }

    public func health() async -> SlotHealth {
        if connection.isConnected { return router.connectedHealth(url: connection.connectedURL ?? "") }
        return router.outage(grace: configuration.reconnectGrace)
    }

    /// A slot dropped without close (say, a namespace whose other slot failed to open) must not keep
    /// reconnecting for the life of the process.
    deinit {
        if !closed.load(ordering: .acquiring) {
            connection.close()
            router.detach()
        }
    }

    public func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        subscriptionLock.withLock { subscriptions in
            for subscription in subscriptions.values { connection.unsubscribe(subscription) }
            subscriptions = [:]
        }
        connection.unsubscribe(inboxSubscription)
        router.finishAll()
        connection.close()
        router.detach()
    }

    /// Every message FAILED when NATS is not connected: publishing then would only fill libnats'
    /// reconnect buffer and report success for messages nobody may ever get.
    private func unavailableResults(_ messages: [OutboundMessage]) -> [DeliveryResult]? {
        guard !connection.isConnected else { return nil }
        let detail = "nats unreachable: " + router.outage(grace: configuration.reconnectGrace).detail
        return messages.map { DeliveryResult(identity: $0.identity, status: .failed, error: detail) }
    }

    private static func headers(of message: OutboundMessage, ackTimeout: Int64?) -> [(String, String)] {
        var headers = [
            (NATSHeaders.messageID, message.messageID), (NATSHeaders.multicastID, message.multicastID),
            (NATSHeaders.namespace, message.namespace),
            (NATSHeaders.contentType, NATSHeaders.value(message.contentType, fallback: "application/octet-stream")),
        ]
        if let ackTimeout { headers.append((NATSHeaders.ackTimeout, String(ackTimeout))) }
        return headers
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    static func unixMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
