import PrismRegistry
import Synchronization

/// The NATS slot's shared state, reached from Swift calls and from libnats' callback threads: local
/// subscribers by identity, acks this process awaits (sender side), and reply subjects of received
/// messages awaiting a local ack (receiver side).
final class NATSRouter: NATSConnectionEvents {
    let identitySubjectPrefix: String
    let inboxPrefix: String
    let namespace: String

    private struct PendingReply {
        var subject: String
        /// Unix milliseconds; after it nobody waits for the ack, so the entry may go.
        var deadline: Int64
    }

    private struct State {
        var subscribers: [String: [UInt64: Mailbox]] = [:]
        var nextSubscriberID: UInt64 = 0
        var waiters: [String: AckWaiter] = [:]
        var replies: [String: PendingReply] = [:]
        var nextReplyPrune: Int64 = 0
        var outageStarted: ContinuousClock.Instant? = .now
        var lastAsyncError: (text: String, at: ContinuousClock.Instant)?
    }

    private let state = Mutex(State())
    private let connection = Mutex<NATSConnection?>(nil)
    private let receivedWithoutID = Atomic<UInt64>(0)

    init(identitySubjectPrefix: String, inboxPrefix: String, namespace: String) {
        self.identitySubjectPrefix = identitySubjectPrefix
        self.inboxPrefix = inboxPrefix
        self.namespace = namespace
    }

    /// The connection replies go out on; set once it exists (callbacks may come before).
    func attach(_ connection: NATSConnection) {
        self.connection.withLock { $0 = connection }
        if connection.isConnected { connectionChanged(.connected) }
    }

    // MARK: Sender side

    func awaitAcks(for messages: [OutboundMessage], with waiter: AckWaiter) {
        state.withLock { state in
            for message in messages { state.waiters[message.messageID] = waiter }
        }
    }

    func stopAwaiting(_ messages: [OutboundMessage]) {
        state.withLock { state in
            for message in messages { state.waiters[message.messageID] = nil }
        }
    }

    private func receivedOnInbox(_ message: NATSMessageView) {
        let subject = message.subject
        guard subject.hasPrefix(inboxPrefix) else { return }
        let messageID = String(decoding: subject.utf8.dropFirst(inboxPrefix.utf8.count), as: UTF8.self)
        guard let waiter = state.withLock({ $0.waiters.removeValue(forKey: messageID) }) else { return }
        let identity = waiter.identity(of: messageID) ?? ""
        let result: DeliveryResult
        if message.isNoResponders {
            result = DeliveryResult(identity: identity, status: .failed, error: "no subscriber")
        } else if message.payloadCount > DeliveryResult.maxReplyBytes {
            result = DeliveryResult(
                identity: identity, status: .failed,
                error: "ack reply of \(message.payloadCount) bytes is above \(DeliveryResult.maxReplyBytes)")
        } else if let error = message.header(NATSHeaders.ackError) {
            result = DeliveryResult(identity: identity, status: .failed, error: error, reply: message.payload)
        } else {
            result = DeliveryResult(identity: identity, status: .delivered, reply: message.payload)
        }
        waiter.settle(messageID: messageID, with: result)
    }

    // MARK: Receiver side

    /// Adds a local subscriber; returns its id and the identities that had no local subscriber before
    /// (they need a NATS subscription).
    func addSubscriber(_ mailbox: Mailbox, for identities: [String]) -> (UInt64, [String]) {
        state.withLock { state in
            let id = state.nextSubscriberID
            state.nextSubscriberID += 1
            var first: [String] = []
            for identity in identities {
                if state.subscribers[identity] == nil { first.append(identity) }
                state.subscribers[identity, default: [:]][id] = mailbox
            }
            return (id, first)
        }
    }

    /// Removes a local subscriber; returns the identities left without one (their NATS subscription
    /// can go).
    func removeSubscriber(_ id: UInt64, for identities: [String]) -> [String] {
        state.withLock { state in
            var orphaned: [String] = []
            for identity in identities {
                state.subscribers[identity]?[id] = nil
                if state.subscribers[identity]?.isEmpty == true {
                    state.subscribers[identity] = nil
                    orphaned.append(identity)
                }
            }
            return orphaned
        }
    }

    func takeReplySubject(for messageID: String) -> String? {
        state.withLock { $0.replies.removeValue(forKey: messageID)?.subject }
    }

    private func receivedForIdentity(_ message: NATSMessageView) {
        let subject = message.subject
        guard subject.hasPrefix(identitySubjectPrefix) else { return }
        let identity = String(decoding: subject.utf8.dropFirst(identitySubjectPrefix.utf8.count), as: UTF8.self)
        let messageID =
            message.header(NATSHeaders.messageID)
            ?? "nats-\(receivedWithoutID.wrappingAdd(1, ordering: .relaxed).newValue)"
        let reply = message.reply
        let outbound = OutboundMessage(
            identity: identity, messageID: messageID, multicastID: message.header(NATSHeaders.multicastID) ?? "",
            namespace: message.header(NATSHeaders.namespace) ?? namespace, payload: message.payload,
            contentType: message.header(NATSHeaders.contentType) ?? "application/octet-stream")
        let inbound = InboundMessage(message: outbound, ackRequested: reply != nil)
        // The sender's wait, capped at the longest ack timeout prismd accepts (5 min).
        let waitMilliseconds = min(message.header(NATSHeaders.ackTimeout).flatMap { Int64($0) } ?? 300_000, 300_000)
        let mailboxes: [Mailbox] = state.withLock { state in
            guard let mailboxes = state.subscribers[identity]?.values else { return [] }
            if let reply {
                let now = NATSMessaging.unixMilliseconds()
                state.replies[messageID] = PendingReply(subject: reply, deadline: now + max(0, waitMilliseconds))
                Self.pruneReplies(&state, now: now)
            }
            return Array(mailboxes)
        }
        // Nobody here: another prismd may have the subscriber, so stay silent rather than fail it.
        guard !mailboxes.isEmpty else { return }
        var accepted = false
        for mailbox in mailboxes where mailbox.push(inbound) == .enqueued { accepted = true }
        // Every local subscriber is full. Stay silent here too: a FAILED reply would win over another
        // prismd's subscriber that did take the message, so the sender sees TIMEOUT instead.
        if !accepted { _ = takeReplySubject(for: messageID) }
    }

    /// Drops reply subjects whose sender stopped waiting, at most once a second.
    private static func pruneReplies(_ state: inout State, now: Int64) {
        guard now >= state.nextReplyPrune, state.replies.count > 1024 else { return }
        state.nextReplyPrune = now + 1000
        state.replies = state.replies.filter { $0.value.deadline >= now }
    }

    /// Lets go of the connection (which libnats' callbacks keep this router alive past), so that the
    /// connection can be freed once the slot is.
    func detach() {
        connection.withLock { $0 = nil }
    }

    func finishAll() {
        let mailboxes = state.withLock { state in
            defer { state.subscribers = [:] }
            return state.subscribers.values.flatMap(\.values)
        }
        for mailbox in mailboxes { mailbox.finish() }
    }

    // MARK: Health

    func connectedHealth(url: String) -> SlotHealth {
        let (identities, acks, asyncError) = state.withLock {
            ($0.subscribers.count, $0.waiters.count, $0.lastAsyncError)
        }
        let detail = "\(url), \(identities) identities subscribed here, \(acks) acks awaited"
        if let asyncError, ContinuousClock.now - asyncError.at < .seconds(10) {
            return SlotHealth(.degraded, "\(detail); \(asyncError.text)")
        }
        return SlotHealth(.healthy, detail)
    }

    func outage(grace: Duration) -> SlotHealth {
        let started = state.withLock { $0.outageStarted } ?? .now
        let elapsed = ContinuousClock.now - started
        let servers = connection.withLock { $0?.servers.joined(separator: ", ") } ?? ""
        let tenths = Int((elapsed / .milliseconds(100)).rounded(.down))
        let detail = "cannot reach [\(servers)] for \(tenths / 10).\(tenths % 10) s; reconnecting"
        return SlotHealth(elapsed < grace ? .degraded : .unhealthy, detail)
    }

    // MARK: NATSConnectionEvents

    func received(_ message: NATSMessageView, kind: NATSSubscriptionKind) {
        switch kind {
        case .inbox: receivedOnInbox(message)
        case .identity: receivedForIdentity(message)
        }
    }

    func connectionChanged(_ event: NATSConnectionEvent) {
        state.withLock { state in
            switch event {
            case .connected, .reconnected: state.outageStarted = nil
            case .disconnected, .closed: if state.outageStarted == nil { state.outageStarted = .now }
            }
        }
    }

    func asyncError(_ text: String) {
        state.withLock { $0.lastAsyncError = (text, .now) }
    }
}
