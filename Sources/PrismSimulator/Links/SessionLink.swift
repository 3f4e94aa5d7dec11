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
/// Unregistering at shutdown, after the stream has closed, goes through the client's unary calls.
public final class SessionLink: CommandLink, RegistryLink {
    private let client: PrismClient
    private let reconnectDelay: Duration
    /// Called each time the stream ends: commands may be missed until it is open again.
    private let onInterruption: @Sendable () -> Void

    /// The stream in use; nil while a new one is being set up.
    private let current = Mutex<PrismSession?>(nil)

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
    }

    private var session: PrismSession {
        get throws(PrismClientError) {
            guard let session = current.withLock({ $0 }) else {
                throw .unreachable(server: client.server, detail: "the session stream is being opened again")
            }
            return session
        }
    }

    /// One link serves one group: `identities` are all the devices whose calls it carries.
    public func receive(
        _ identities: [String], deliver: @escaping @Sendable (ReceivedCommand) -> Void,
        subscribed: @escaping @Sendable () -> Void
    ) async throws {
        try await Resubscription.run(after: reconnectDelay, onInterruption: onInterruption) { isFirst in
            try await self.receiveOnce(identities, deliver: deliver, subscribed: isFirst ? subscribed : Self.ignore)
        }
    }

    private static let ignore: @Sendable () -> Void = {}

    /// One Session stream, subscribed to the group's devices, until it ends.
    private func receiveOnce(
        _ identities: [String], deliver: @escaping @Sendable (ReceivedCommand) -> Void,
        subscribed: @escaping @Sendable () -> Void
    ) async throws {
        defer { current.withLock { $0 = nil } }
        try await client.withSession(linger: Self.heartbeatLinger) { session in
            try await session.subscribe(identities)
            current.withLock { $0 = session }
            subscribed()
            for await message in session.messages {
                deliver(
                    ReceivedCommand(
                        identity: message.identity, messageID: message.messageID, payload: [UInt8](message.payload),
                        ackRequested: message.ackRequested))
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
}
