import CNATS
import Dispatch
import Synchronization

/// Runs libnats publishes off Swift's cooperative threads and shares flushes between batches.
///
/// A flush is a round trip to the server. Batches queued behind one another (a multicast's fan-out
/// hands over several at once) wait for a single flush after the last of them, so one multicast costs
/// one round trip, not one per batch.
final class NATSPublisher: Sendable {
    private let connection: NATSConnection
    private let flushTimeoutMilliseconds: Int64
    private let queue = DispatchQueue(label: "prism.nats.publish")
    private let queuedBatches = Atomic<Int>(0)
    private let awaitingFlush = Mutex<[@Sendable (natsStatus) -> Void]>([])

    init(connection: NATSConnection, flushTimeoutMilliseconds: Int64) {
        self.connection = connection
        self.flushTimeoutMilliseconds = flushTimeoutMilliseconds
    }

    /// Runs `publishAll` (which queues messages in libnats' buffer), then waits for the shared flush.
    /// Returns what `publishAll` returned and the flush's status.
    func publish<Result: Sendable>(_ publishAll: @escaping @Sendable (NATSConnection) -> Result) async
        -> (Result, flush: natsStatus)
    {
        queuedBatches.add(1, ordering: .relaxed)
        return await withCheckedContinuation { continuation in
            queue.async { [connection, flushTimeoutMilliseconds] in
                // Disconnected, libnats would buffer the messages for a later reconnect and the flush
                // would hold this queue for its whole timeout; callers check the connection first,
                // and a drop in between costs one timeout here.
                let result = publishAll(connection)
                self.awaitingFlush.withLock { waiting in
                    waiting.append { status in continuation.resume(returning: (result, status)) }
                }
                guard self.queuedBatches.subtract(1, ordering: .relaxed).newValue == 0 else { return }
                let status =
                    connection.isConnected
                    ? connection.flush(timeoutMilliseconds: flushTimeoutMilliseconds) : NATS_CONNECTION_DISCONNECTED
                let waiting = self.awaitingFlush.withLock { waiting in
                    defer { waiting = [] }
                    return waiting
                }
                for resume in waiting { resume(status) }
            }
        }
    }
}
