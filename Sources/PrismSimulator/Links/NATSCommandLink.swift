import PrismNATS
import PrismRegistry
import Synchronization

/// Commands straight from NATS, the way devices in the field would take them: each device subscribes to
/// `<prefix>.<namespace>.<identity>` and acks by replying (an empty or JSON body, or a `Prism-Ack-Error`
/// header). Uses the messaging slot's own wire code, so both ends speak one protocol.
public final class NATSCommandLink: CommandLink {
    private let messaging: NATSMessaging
    private let readers = Mutex<[(MessageSubscription, Task<Void, Never>)]>([])

    public init(servers: [String], namespace: String, subjectPrefix: String) throws {
        messaging = try NATSMessaging(
            NATSMessaging.Configuration(servers: servers, namespace: namespace, subjectPrefix: subjectPrefix))
    }

    public func subscribe(_ identities: [String], deliver: @escaping @Sendable (ReceivedCommand) -> Void)
        async throws
    {
        let subscription = try await messaging.subscribe(to: identities)
        let reader = Task {
            for await inbound in subscription {
                deliver(
                    ReceivedCommand(
                        identity: inbound.message.identity, messageID: inbound.message.messageID,
                        payload: inbound.message.payload, ackRequested: inbound.ackRequested))
            }
        }
        readers.withLock { $0.append((subscription, reader)) }
    }

    public func acknowledge(_ command: ReceivedCommand, error: String?, reply: [UInt8]) async throws {
        try await messaging.acknowledge(messageID: command.messageID, error: error, reply: reply)
    }

    public func close() async {
        let all = readers.withLock { readers in
            defer { readers = [] }
            return readers
        }
        for (subscription, _) in all { subscription.cancel() }
        for (_, reader) in all { await reader.value }
        await messaging.close()
    }
}
