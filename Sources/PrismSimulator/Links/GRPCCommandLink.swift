import PrismAPI
import PrismClient
import Synchronization

/// Commands over prismd's Subscribe streams, one stream per group of devices (as a gateway would hold
/// one link for the devices behind it), and acks in batches. A stream that ends, when prismd restarts
/// say, is opened again.
public final class GRPCCommandLink: CommandLink {
    private let client: PrismClient
    private let acks: CallBatcher<Acknowledgement>
    private let streams = Mutex<[Task<Void, Never>]>([])
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

    public func subscribe(_ identities: [String], deliver: @escaping @Sendable (ReceivedCommand) -> Void)
        async throws
    {
        let first = try await client.subscribe(identities)
        let client = self.client
        let reconnectDelay = self.reconnectDelay
        let onInterruption = self.onInterruption
        let task = Task {
            var messages: AsyncThrowingStream<Prism_Registry_V1_SubscribedMessage, any Error>? = first
            while !Task.isCancelled {
                if let current = messages {
                    do {
                        for try await message in current {
                            deliver(
                                ReceivedCommand(
                                    identity: message.identity, messageID: message.messageID,
                                    payload: [UInt8](message.payload), ackRequested: message.ackRequested))
                        }
                    } catch {}
                }
                guard !Task.isCancelled else { return }
                onInterruption()
                try? await Task.sleep(for: reconnectDelay)
                messages = try? await client.subscribe(identities)
            }
        }
        streams.withLock { $0.append(task) }
    }

    public func acknowledge(_ command: ReceivedCommand, error: String?, reply: [UInt8]) async throws {
        try await acks.submit(Acknowledgement(messageID: command.messageID, error: error, reply: reply))
    }

    public func close() async {
        let tasks = streams.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
