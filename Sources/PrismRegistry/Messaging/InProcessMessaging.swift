import PrismDurations
import Synchronization

/// The in-process messaging slot: subscribers are streams in this process (prismd's Subscribe calls).
///
/// Knows at once whether anyone listens, so a message to an identity without subscribers is FAILED
/// ("no subscriber") immediately, in both delivery modes.
public final class InProcessMessaging: MessagingSlot {
    public let backend = "inproc"

    /// Messages a subscriber may have queued before further ones to it fail ("subscriber too slow").
    public let subscriberBufferSize: Int

    private struct State {
        var subscribers: [String: [UInt64: Mailbox]] = [:]
        var nextSubscriberID: UInt64 = 0
        /// Messages awaiting an ack, by message ID.
        var pending: [String: AckWaiter] = [:]
    }

    private let state = Mutex(State())

    public init(subscriberBufferSize: Int = 4096) {
        self.subscriberBufferSize = subscriberBufferSize
    }

    public func publish(_ messages: [OutboundMessage]) async -> [DeliveryResult] {
        state.withLock { state in
            messages.map { message in deliver(message, ackRequested: false, in: &state) }
        }
    }

    public func request(_ messages: [OutboundMessage], timeout: Duration) async -> [DeliveryResult] {
        let waiter = AckWaiter(messages: messages)
        let immediate: [DeliveryResult?] = state.withLock { state in
            messages.map { message in
                state.pending[message.messageID] = waiter
                let result = deliver(message, ackRequested: true, in: &state)
                if result.status == .failed {
                    state.pending[message.messageID] = nil
                    return result
                }
                return nil
            }
        }
        for (position, result) in immediate.enumerated() {
            if let result { waiter.settle(messageID: messages[position].messageID, with: result) }
        }
        await waiter.wait(timeout: timeout)
        state.withLock { state in
            for message in messages where state.pending[message.messageID] === waiter {
                state.pending[message.messageID] = nil
            }
        }
        return waiter.results(timeoutError: "no ack within \(timeout.written)")
    }

    public func subscribe(to identities: [String]) async throws(RegistryError) -> MessageSubscription {
        let mailbox = Mailbox(capacity: subscriberBufferSize)
        let id = state.withLock { state in
            let id = state.nextSubscriberID
            state.nextSubscriberID += 1
            for identity in identities { state.subscribers[identity, default: [:]][id] = mailbox }
            return id
        }
        return MessageSubscription(mailbox: mailbox) { [weak self] in
            self?.state.withLock { state in
                for identity in identities {
                    state.subscribers[identity]?[id] = nil
                    if state.subscribers[identity]?.isEmpty == true { state.subscribers[identity] = nil }
                }
            }
            mailbox.finish()
        }
    }

    public func acknowledge(messageID: String, error: String?, reply: [UInt8]) async throws(RegistryError) {
        try DeliveryResult.checkAckReply(reply)
        let error = DeliveryResult.ackError(error)
        let waiter = state.withLock { $0.pending.removeValue(forKey: messageID) }
        guard let waiter else {
            throw RegistryError(.notFound, "no message '\(messageID)' is awaiting an ack (already acked or timed out)")
        }
        let identity = waiter.identity(of: messageID) ?? ""
        waiter.settle(
            messageID: messageID,
            with: DeliveryResult(
                identity: identity, status: error == nil ? .delivered : .failed, error: error, reply: reply))
    }

    public func health() async -> SlotHealth {
        let (identities, pending) = state.withLock { ($0.subscribers.count, $0.pending.count) }
        return SlotHealth(.healthy, "in process, \(identities) identities subscribed, \(pending) acks pending")
    }

    public func close() async {
        let mailboxes = state.withLock { state in
            defer { state.subscribers = [:] }
            return state.subscribers.values.flatMap(\.values)
        }
        for mailbox in mailboxes { mailbox.finish() }
    }

    /// Hands `message` to every subscriber of its identity.
    private func deliver(_ message: OutboundMessage, ackRequested: Bool, in state: inout State) -> DeliveryResult {
        guard let subscribers = state.subscribers[message.identity], !subscribers.isEmpty else {
            return DeliveryResult(identity: message.identity, status: .failed, error: "no subscriber")
        }
        var accepted = false
        let inbound = InboundMessage(message: message, ackRequested: ackRequested)
        for mailbox in subscribers.values where mailbox.push(inbound) == .enqueued {
            accepted = true
        }
        return accepted
            ? DeliveryResult(identity: message.identity, status: .delivered)
            : DeliveryResult(
                identity: message.identity, status: .failed,
                error: "subscriber too slow: \(subscriberBufferSize) messages queued")
    }
}
