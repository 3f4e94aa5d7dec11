import PrismAPI
import PrismClient

/// Commands over prismd's Subscribe streams, one stream per group of devices (as a gateway would hold
/// one link for the devices behind it), and acks in batches. A stream that ends, when prismd restarts
/// say, is opened again.
public final class GRPCCommandLink: CommandLink {
    private let client: PrismClient
    private let acks: CallBatcher<Acknowledgement>
    private let reconnectDelay: Duration
    /// Called each time a stream ends or cannot be opened again: commands may be missed meanwhile.
    private let onInterruption: @Sendable () -> Void

    public init(
        client: PrismClient, reconnectDelay: Duration = .seconds(1), onInterruption: @escaping @Sendable () -> Void = {}
    ) {
        self.client = client
        self.onInterruption = onInterruption
        // A sender waits for these, so they linger only a little.
        acks = CallBatcher(linger: .milliseconds(2)) { acknowledgements throws(PrismClientError) in
            try await client.ack(acknowledgements)
        }
        self.reconnectDelay = reconnectDelay
    }

    public func receive(
        _ identities: [String], deliver: @escaping @Sendable (ReceivedCommand) -> Void,
        subscribed: @escaping @Sendable () -> Void
    ) async throws {
        try await Resubscription.run(after: reconnectDelay, onInterruption: onInterruption) { isFirst in
            try await self.receiveOnce(identities, deliver: deliver, subscribed: isFirst ? subscribed : Self.ignore)
        }
    }

    private static let ignore: @Sendable () -> Void = {}

    /// One Subscribe stream, until it ends or breaks.
    private func receiveOnce(
        _ identities: [String], deliver: @escaping @Sendable (ReceivedCommand) -> Void,
        subscribed: @escaping @Sendable () -> Void
    ) async throws {
        try await client.subscribe(identities) { messages in
            subscribed()
            do {
                for try await message in messages {
                    deliver(
                        ReceivedCommand(
                            identity: message.identity, messageID: message.messageID,
                            payload: [UInt8](message.payload), ackRequested: message.ackRequested))
                }
            } catch {}
        }
    }

    public func acknowledge(_ command: ReceivedCommand, error: String?, reply: [UInt8]) async throws {
        try await acks.submit(Acknowledgement(messageID: command.messageID, error: error, reply: reply))
    }
}
