import PrismNATS
import PrismRegistry

/// Commands straight from NATS, the way devices in the field would take them: each device subscribes to
/// `<prefix>.<namespace>.<identity>` and acks by replying (an empty or JSON body, or a `Prism-Ack-Error`
/// header). Uses the messaging slot's own wire code, so both ends speak one protocol.
public final class NATSCommandLink: CommandLink {
    private let messaging: NATSMessaging

    public init(servers: [String], namespace: String, subjectPrefix: String) throws {
        messaging = try NATSMessaging(
            NATSMessaging.Configuration(servers: servers, namespace: namespace, subjectPrefix: subjectPrefix))
    }

    public func receive(
        _ identities: [String], deliver: @escaping @Sendable (ReceivedCommand) -> Void,
        subscribed: @escaping @Sendable () -> Void
    ) async throws {
        let subscription = try await messaging.subscribe(to: identities)
        subscribed()
        // The connection itself reconnects and subscribes again: this subscription lasts.
        await withTaskCancellationHandler {
            for await inbound in subscription {
                deliver(
                    ReceivedCommand(
                        identity: inbound.message.identity, messageID: inbound.message.messageID,
                        payload: inbound.message.payload, ackRequested: inbound.ackRequested))
            }
        } onCancel: {
            subscription.cancel()
        }
    }

    public func acknowledge(_ command: ReceivedCommand, error: String?, reply: [UInt8]) async throws {
        try await messaging.acknowledge(messageID: command.messageID, error: error, reply: reply)
    }

    public func close() async {
        await messaging.close()
    }
}
