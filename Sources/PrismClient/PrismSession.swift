import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import PrismAPI
import PrismFilter
import SwiftProtobuf
import Synchronization

/// A device's or gateway's Session stream: one long-lived call that registers, heartbeats and
/// unregisters its identities, receives the messages addressed to them and acks them in-band.
///
/// ```
/// try await client.withSession { session in
///     try await session.register("sensor-1", metadata: ["type": "sensor"], ttl: .seconds(30))
///     for await message in session.messages {
///         session.sendAck(messageID: message.messageID, reply: Array("21.5".utf8))
///     }
/// }
/// ```
/// Methods named `send…` do not wait for prismd: their requests go out in order, and only a failure comes back,
/// on ``failures``. The others wait for prismd's answer. When the stream ends (``close()``, the
/// server gone, the end of `withSession`), waiting calls throw, ``messages`` and ``failures`` finish,
/// and ``ended`` says why.
public final class PrismSession: Sendable {
    /// The messages addressed to this session's identities.
    public let messages: AsyncStream<Prism_Registry_V1_SubscribedMessage>
    /// The results of `send…` requests that failed (a heartbeat of an identity that expired, say).
    public let failures: AsyncStream<Prism_Registry_V1_SessionResult>

    private let namespace: String
    private let server: String
    private let outgoing = WriteBatchQueue<Prism_Registry_V1_SessionRequest>()
    private let messageSink: AsyncStream<Prism_Registry_V1_SubscribedMessage>.Continuation
    private let failureSink: AsyncStream<Prism_Registry_V1_SessionResult>.Continuation
    private let registry: Prism_Registry_V1_MulticastRegistry.Client<HTTP2ClientTransport.Posix>
    private let linger: Duration
    /// Yields once when ``cancel()`` cuts the stream.
    private let cancellation = AsyncStream<Void>.makeStream()

    private struct State {
        var nextRequestID: UInt64 = 1
        var waiting: [UInt64: CheckedContinuation<Prism_Registry_V1_SessionResult, any Error>] = [:]
        var ended: PrismClientError?
    }

    private let state = Mutex(State())

    init(client: PrismClient, linger: Duration) {
        namespace = client.namespace
        server = client.server
        registry = client.registry
        self.linger = linger
        (messages, messageSink) = AsyncStream.makeStream()
        (failures, failureSink) = AsyncStream.makeStream()
    }

    /// The call itself, until the requests are finished and prismd has ended the stream, or until
    /// ``cancel()`` or the task's cancellation cut it.
    func run() async {
        let outgoing = self.outgoing
        let linger = self.linger
        let registry = self.registry
        var ending = PrismClientError.rejected(code: .unavailable, message: "the session ended")
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                do {
                    let request = StreamingClientRequest(of: Prism_Registry_V1_SessionRequest.self) { writer in
                        // Whatever queued meanwhile goes out with one flush.
                        while let batch = await outgoing.next(linger: linger) {
                            try await writer.write(contentsOf: batch)
                        }
                    }
                    try await registry.session(request: request) { response in
                        for try await event in response.messages { self.receive(event) }
                    }
                } catch {
                    self.end(PrismClientError.from(error, server: self.server))
                }
            }
            group.addTask { [cancellation] in
                for await _ in cancellation.stream { return }
            }
            await group.next()
            group.cancelAll()
        }
        cancellation.continuation.finish()
        if Task.isCancelled { ending = .rejected(code: .cancelled, message: "the session was cancelled") }
        end(ending)
    }

    /// Why the session ended, once it has.
    public var ended: PrismClientError? { state.withLock { $0.ended } }

    /// Registers an identity and subscribes the session to its messages. Returns whether an existing
    /// registration was replaced.
    @discardableResult
    public func register(
        _ identity: String, metadata: JSONObject = [:], ttl: Duration? = nil, replace: Bool = true
    ) async throws(PrismClientError) -> Bool {
        let register = Prism_Registry_V1_RegisterRequest(
            namespace: namespace, identity: identity, metadata: metadata, ttl: ttl, replace: replace)
        return try await request(.register(register)).replaced
    }

    /// Renews an identity, waiting for prismd to confirm.
    public func heartbeat(_ identity: String, ttl: Duration? = nil, metadataPatch: JSONObject? = nil)
        async throws(PrismClientError)
    {
        _ = try await request(.heartbeat(heartbeat(identity, ttl: ttl, patch: metadataPatch)), urgent: false)
    }

    /// Renews an identity without waiting; a failure arrives on ``failures``.
    public func sendHeartbeat(_ identity: String, ttl: Duration? = nil, metadataPatch: JSONObject? = nil) {
        send(.heartbeat(heartbeat(identity, ttl: ttl, patch: metadataPatch)), urgent: false)
    }

    /// Unregisters an identity and ends the session's subscription to it; returns whether it was registered.
    @discardableResult
    public func unregister(_ identity: String) async throws(PrismClientError) -> Bool {
        var unregister = Prism_Registry_V1_UnregisterRequest()
        unregister.namespace = namespace
        unregister.identity = identity
        return try await request(.unregister(unregister)).removed
    }

    /// Acknowledges a message, waiting for prismd to accept the ack.
    public func ack(messageID: String, error: String? = nil, reply: [UInt8] = []) async throws(PrismClientError) {
        _ = try await request(.ack(ack(messageID, error: error, reply: reply)))
    }

    /// Acknowledges a message without waiting; a failure (too late, say) arrives on ``failures``.
    public func sendAck(messageID: String, error: String? = nil, reply: [UInt8] = []) {
        send(.ack(ack(messageID, error: error, reply: reply)), urgent: true)
    }

    /// Subscribes the session to identities registered elsewhere.
    public func subscribe(_ identities: [String]) async throws(PrismClientError) {
        var subscribe = Prism_Registry_V1_SessionSubscribe()
        subscribe.identities = identities
        subscribe.namespace = namespace
        _ = try await request(.subscribe(subscribe))
    }

    /// Ends the session cleanly: requests already sent are handled first, then its subscriptions end.
    /// `withSession` returns once that is done.
    public func close() {
        outgoing.finish()
    }

    /// Ends the session at once, as a cut connection would.
    public func cancel() {
        cancellation.continuation.yield()
    }

    /// - Parameter urgent: goes out without the session's linger (someone waits on it: an ack, a register).
    private func request(_ body: Prism_Registry_V1_SessionRequest.OneOf_Request, urgent: Bool = true)
        async throws(PrismClientError) -> Prism_Registry_V1_SessionResult
    {
        let result: Prism_Registry_V1_SessionResult
        do {
            result = try await withCheckedThrowingContinuation { continuation in
                let id = state.withLock { state -> UInt64? in
                    guard state.ended == nil else { return nil }
                    defer { state.nextRequestID += 1 }
                    state.waiting[state.nextRequestID] = continuation
                    return state.nextRequestID
                }
                guard let id else {
                    continuation.resume(throwing: ended ?? .rejected(code: .unavailable, message: "the session ended"))
                    return
                }
                var request = Prism_Registry_V1_SessionRequest()
                request.requestID = id
                request.request = body
                outgoing.append(request, urgent: urgent)
            }
        } catch {
            throw error as? PrismClientError ?? .from(error, server: server)
        }
        guard result.code == 0 else {
            let code = Status.Code(rawValue: Int(result.code)).flatMap(RPCError.Code.init) ?? .unknown
            throw .rejected(code: code, message: result.message)
        }
        return result
    }

    private func send(_ body: Prism_Registry_V1_SessionRequest.OneOf_Request, urgent: Bool) {
        var request = Prism_Registry_V1_SessionRequest()
        request.request = body
        outgoing.append(request, urgent: urgent)
    }

    private func receive(_ event: Prism_Registry_V1_SessionEvent) {
        switch event.event {
        case .message(let message)?:
            messageSink.yield(message)
        case .result(let result)?:
            if result.requestID == 0 {
                failureSink.yield(result)
            } else if let waiting = state.withLock({ $0.waiting.removeValue(forKey: result.requestID) }) {
                waiting.resume(returning: result)
            }
        case nil:
            break
        }
    }

    private func end(_ reason: PrismClientError) {
        let waiting = state.withLock { state in
            state.ended = state.ended ?? reason
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for continuation in waiting { continuation.resume(throwing: reason) }
        outgoing.finish()
        messageSink.finish()
        failureSink.finish()
    }

    private func heartbeat(_ identity: String, ttl: Duration?, patch: JSONObject?) -> Prism_Registry_V1_HeartbeatRequest
    {
        Prism_Registry_V1_HeartbeatRequest(namespace: namespace, identity: identity, ttl: ttl, metadataPatch: patch)
    }

    private func ack(_ messageID: String, error: String?, reply: [UInt8]) -> Prism_Registry_V1_AckRequest {
        var ack = Prism_Registry_V1_AckRequest()
        ack.namespace = namespace
        ack.messageID = messageID
        ack.error = error ?? ""
        ack.reply = Data(reply)
        return ack
    }
}

extension PrismClient {
    /// Runs `body` with a Session stream on this client's connection, in its namespace, and then closes
    /// the session cleanly (the requests sent are answered first) and waits for it to end. The stream
    /// starts at once; the first request that waits tells whether prismd accepted it.
    ///
    /// - Parameter linger: how long heartbeats wait for others to join them before they are written,
    ///   so that a fleet's steady trickle leaves in bursts (one write, one wake-up of prismd) rather
    ///   than one at a time. Registers, unregisters, acks and subscribes never wait.
    public func withSession<Result: Sendable>(
        linger: Duration = .zero, _ body: (PrismSession) async throws -> Result
    ) async throws -> Result {
        let session = PrismSession(client: self, linger: linger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await session.run() }
            do {
                let result = try await body(session)
                session.close()
                try await group.waitForAll()
                return result
            } catch {
                session.cancel()
                throw error
            }
        }
    }
}
