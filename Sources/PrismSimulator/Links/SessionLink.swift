import PrismAPI
import PrismClient
import PrismFilter
import Synchronization

/// One Session stream for a group of devices, as a gateway holds one for the devices behind it: their
/// registrations, heartbeats, commands and acks all travel on it, and an ack always reaches the prismd
/// that delivered the command.
///
/// When the stream ends (prismd restarting, say) a new one is opened and subscribed to the group's
/// devices; calls made meanwhile fail, so the devices register again with their next heartbeat.
public final class SessionLink: CommandLink, RegistryLink {
    private let client: PrismClient
    private let reconnectDelay: Duration
    /// Called each time the stream ends: commands may be missed until it is open again.
    private let onInterruption: @Sendable () -> Void

    private struct State {
        var session: PrismSession
        var identities: [String] = []
        var deliver: (@Sendable (ReceivedCommand) -> Void)?
        var supervisor: Task<Void, Never>?
        var closed = false
    }

    private let state: Mutex<State>

    /// Heartbeats wait this long for others before they leave, so the group's trickle (a few hundred a
    /// second) reaches prismd in bursts: measured with 10,000 devices, one write per heartbeat cost
    /// prismd more than HeartbeatBatch calls did. Nobody waits on a heartbeat; acks leave at once.
    static let heartbeatLinger = Duration.milliseconds(50)

    public init(
        client: PrismClient, reconnectDelay: Duration = .seconds(1), onInterruption: @escaping @Sendable () -> Void = {}
    ) {
        self.client = client
        self.reconnectDelay = reconnectDelay
        self.onInterruption = onInterruption
        state = Mutex(State(session: client.openSession(linger: Self.heartbeatLinger)))
    }

    private var session: PrismSession { state.withLock { $0.session } }

    public func subscribe(_ identities: [String], deliver: @escaping @Sendable (ReceivedCommand) -> Void)
        async throws
    {
        let session = self.session
        try await session.subscribe(identities)
        let first = state.withLock { state in
            state.identities += identities
            state.deliver = deliver
            return state.supervisor == nil
        }
        guard first else { return }
        let supervisor = Task { await self.supervise(starting: session) }
        state.withLock { $0.supervisor = supervisor }
    }

    /// Hands each message to its device while the stream lasts; then opens a new one.
    private func supervise(starting first: PrismSession) async {
        var session = first
        while !Task.isCancelled {
            let deliver = state.withLock { $0.deliver }
            for await message in session.messages {
                deliver?(
                    ReceivedCommand(
                        identity: message.identity, messageID: message.messageID, payload: [UInt8](message.payload),
                        ackRequested: message.ackRequested))
            }
            guard !Task.isCancelled, !state.withLock({ $0.closed }) else { return }
            onInterruption()
            while !Task.isCancelled {
                try? await Task.sleep(for: reconnectDelay)
                let next = client.openSession(linger: Self.heartbeatLinger)
                let identities = state.withLock { $0.identities }
                if (try? await next.subscribe(identities)) != nil {
                    state.withLock { $0.session = next }
                    session = next
                    break
                }
                next.cancel()
            }
        }
    }

    public func acknowledge(_ command: ReceivedCommand, error: String?, reply: [UInt8]) async throws {
        try await session.ack(messageID: command.messageID, error: error, reply: reply)
    }

    public func register(_ identity: String, metadata: JSONObject, ttl: Duration) async throws(PrismClientError) {
        try await session.register(identity, metadata: metadata, ttl: ttl, replace: true)
    }

    public func heartbeat(_ renewal: HeartbeatRenewal) async throws(PrismClientError) {
        try await session.heartbeat(renewal.identity, ttl: renewal.ttl, metadataPatch: renewal.metadataPatch)
    }

    public func unregister(_ identity: String) async throws(PrismClientError) {
        try await session.unregister(identity)
    }

    /// Stops commands: the stream ends cleanly and no new one is opened. Unregistering afterwards goes
    /// through unary calls (``RegistryLink`` of the client).
    public func close() async {
        let (session, supervisor) = state.withLock { state in
            state.closed = true
            return (state.session, state.supervisor)
        }
        supervisor?.cancel()
        await session.close()
        await supervisor?.value
    }
}
