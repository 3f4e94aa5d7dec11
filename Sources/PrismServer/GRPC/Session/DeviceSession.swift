import GRPCCore
import Logging
import PrismAPI
import PrismFilter
import PrismRegistry
import Synchronization

/// One Session stream: a device or gateway registering, heartbeating and unregistering its identities,
/// receiving their messages and acking them, all on one bidirectional stream.
///
/// Requests are handled one at a time in the order they arrive, so a client may send a burst without
/// waiting and still know the order of its effects. Everything the server sends (results and messages)
/// goes through one bounded queue and one writer: a client that stops reading fills the queue and
/// the session ends with RESOURCE_EXHAUSTED rather than growing without bound.
final class DeviceSession: Sendable {
    /// Events waiting for the client: enough for a burst of results and messages to a gateway's devices.
    static let maxQueuedEvents = 16_384

    private let observer: CallObserver
    private let queue = WriteBatchQueue<Prism_Registry_V1_SessionEvent>(capacity: maxQueuedEvents)

    private struct State {
        var namespace: NamespaceRuntime?
        /// Each subscribed identity's subscription; cancelling one ends its forwarder.
        var subscriptions: [String: MessageSubscription] = [:]
        var overflowed = false
    }

    private let state = Mutex(State())
    /// New subscriptions, for the session's forwarder to read in a task of its own group.
    private let newSubscriptions: AsyncStream<MessageSubscription>
    private let subscriptionFeed: AsyncStream<MessageSubscription>.Continuation

    init(observer: CallObserver) {
        self.observer = observer
        (newSubscriptions, subscriptionFeed) = AsyncStream.makeStream()
    }

    /// Runs the session until the client half-closes (a clean end), the client or its connection goes
    /// away (the requests throw), or the client stops reading. Its subscriptions end with it.
    func run(
        requests: RPCAsyncSequence<Prism_Registry_V1_SessionRequest, any Error>,
        writer: RPCWriter<Prism_Registry_V1_SessionEvent>
    ) async throws {
        defer { endSubscriptions() }
        try await withThrowingTaskGroup(of: Role.self) { group in
            group.addTask {
                // Whatever queued while the last batch was written goes out with one flush.
                while let batch = await self.queue.next() { try await writer.write(contentsOf: batch) }
                if self.state.withLock({ $0.overflowed }) {
                    throw ErrorMapping.rpcError(
                        .resourceExhausted,
                        "the session's client read too slowly: \(Self.maxQueuedEvents) events were waiting")
                }
                return .writer
            }
            group.addTask {
                for try await request in requests { await self.handle(request) }
                return .reader
            }
            // Each subscription's messages flow into the queue from a child of this group, which ends
            // when the subscription is cancelled (unregistered, or the session ending).
            group.addTask {
                await withDiscardingTaskGroup { forwarders in
                    for await subscription in self.newSubscriptions {
                        forwarders.addTask {
                            for await inbound in subscription {
                                self.send(.message(Prism_Registry_V1_SubscribedMessage(inbound)))
                            }
                        }
                    }
                }
                return .forwarder
            }
            // The reader ends first on a clean close: stop the subscriptions, then let the writer send
            // what is queued. Anything thrown (the client gone, a write failing) ends both.
            do {
                while let finished = try await group.next() {
                    if finished == .reader {
                        endSubscriptions()
                        queue.finish()
                    }
                }
            } catch {
                group.cancelAll()
                queue.finish()
                throw error
            }
        }
    }

    private enum Role: Sendable { case reader, writer, forwarder }

    private func handle(_ request: Prism_Registry_V1_SessionRequest) async {
        var result = Prism_Registry_V1_SessionResult()
        result.requestID = request.requestID
        do throws(RegistryError) {
            switch request.request {
            case .register(let register)?:
                result.replaced = try await self.register(register)
            case .heartbeat(let heartbeat)?:
                let runtime = try namespace(heartbeat.namespace)
                let ttl =
                    heartbeat.hasTtl ? try MulticastRegistryService.duration(heartbeat.ttl, field: "ttl") : nil
                let patch = heartbeat.hasMetadataPatch ? JSONObject(protobuf: heartbeat.metadataPatch) : nil
                _ = try await runtime.coordinator.heartbeat(heartbeat.identity, ttl: ttl, metadataPatch: patch)
            case .unregister(let unregister)?:
                let runtime = try namespace(unregister.namespace)
                result.removed = try await runtime.coordinator.unregister(unregister.identity)
                endSubscription(unregister.identity)
            case .ack(let ack)?:
                let runtime = try namespace(ack.namespace)
                try await runtime.coordinator.acknowledge(
                    messageID: ack.messageID, error: ack.error.isEmpty ? nil : ack.error, reply: [UInt8](ack.reply))
            case .subscribe(let subscribe)?:
                let runtime = try namespace(subscribe.namespace)
                for identity in subscribe.identities { try await self.subscribe(identity, on: runtime) }
            case nil:
                throw RegistryError(.invalidArgument, "the session request carries no request")
            }
            observer.metrics.recordSessionRequest(request.kindName, failed: false)
            guard request.requestID != 0 else { return }
        } catch {
            observer.metrics.recordSessionRequest(request.kindName, failed: true)
            let status = ErrorMapping.rpcError(error)
            result.code = Int32(status.code.rawValue)
            result.message = status.message
        }
        send(.result(result))
    }

    /// Subscribes before registering, so that a multicast the moment the result arrives reaches it.
    private func register(_ request: Prism_Registry_V1_RegisterRequest) async throws(RegistryError) -> Bool {
        let runtime = try namespace(request.namespace)
        let ttl = request.hasTtl ? try MulticastRegistryService.duration(request.ttl, field: "ttl") : nil
        let subscribed = try await subscribe(request.identity, on: runtime)
        do {
            return try await runtime.coordinator.registerReportingReplacement(
                request.identity, metadata: JSONObject(protobuf: request.metadata), ttl: ttl,
                replace: request.replace
            ).replaced
        } catch {
            if subscribed { endSubscription(request.identity) }
            throw error
        }
    }

    /// Returns whether a new subscription was made (false when the session already had one).
    @discardableResult
    private func subscribe(_ identity: String, on runtime: NamespaceRuntime) async throws(RegistryError) -> Bool {
        if state.withLock({ $0.subscriptions[identity] != nil }) { return false }
        let subscription = try await runtime.coordinator.subscribe(to: [identity])
        let previous = state.withLock { state in
            defer { state.subscriptions[identity] = subscription }
            return state.subscriptions[identity]
        }
        previous?.cancel()
        // After the session has ended nothing forwards it any more: end it at once.
        if case .terminated = subscriptionFeed.yield(subscription) { subscription.cancel() }
        return true
    }

    private func endSubscription(_ identity: String) {
        state.withLock { $0.subscriptions.removeValue(forKey: identity) }?.cancel()
    }

    /// Ends every subscription, and the forwarder once their queued messages are through.
    private func endSubscriptions() {
        subscriptionFeed.finish()
        let subscriptions = state.withLock { state in
            defer { state.subscriptions = [:] }
            return Array(state.subscriptions.values)
        }
        for subscription in subscriptions { subscription.cancel() }
    }

    /// The session's namespace: the first request's, which every later request must share.
    private func namespace(_ name: String) throws(RegistryError) -> NamespaceRuntime {
        if let runtime = state.withLock({ $0.namespace }) {
            guard name.isEmpty || name == runtime.name else {
                throw RegistryError(
                    .invalidArgument,
                    "this session is in namespace '\(runtime.name)'; open another session for '\(name)'")
            }
            return runtime
        }
        let runtime = try observer.namespaces.runtime(name)
        state.withLock { $0.namespace = $0.namespace ?? runtime }
        return runtime
    }

    private func send(_ event: Prism_Registry_V1_SessionEvent.OneOf_Event) {
        var wrapped = Prism_Registry_V1_SessionEvent()
        wrapped.event = event
        if case .full = queue.append(wrapped, urgent: true) {
            state.withLock { $0.overflowed = true }
            queue.finish()
        }
    }
}

extension Prism_Registry_V1_SessionRequest {
    /// The operation's name in metrics.
    var kindName: String {
        switch request {
        case .register?: "register"
        case .heartbeat?: "heartbeat"
        case .unregister?: "unregister"
        case .ack?: "ack"
        case .subscribe?: "subscribe"
        case nil: "empty"
        }
    }
}
