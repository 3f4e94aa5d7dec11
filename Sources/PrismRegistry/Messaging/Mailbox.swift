import Synchronization

/// A bounded queue of inbound messages with one async consumer.
///
/// Multicast fan-out hands one message to each of thousands of subscribers; `AsyncStream.yield` runs
/// unspecialised generic code (metadata lookups, deque growth); in a profile of a 1k-target multicast
/// here it took about 1.1 µs per message. This queue is specialised to its element, appends under a `Mutex` and hands a message straight
/// to a waiting consumer. It is safe to push from any thread, including C callback threads (libnats).
public final class Mailbox: Sendable {
    public enum PushResult: Sendable {
        case enqueued
        /// The queue held `capacity` messages.
        case dropped
        /// The mailbox was finished; nobody will read the message.
        case finished
    }

    private struct State {
        var buffer: [InboundMessage] = []
        var head = 0
        var waiter: CheckedContinuation<InboundMessage?, Never>?
        var finished = false

        var count: Int { buffer.count - head }

        mutating func pop() -> InboundMessage? {
            guard head < buffer.count else { return nil }
            let message = buffer[head]
            head += 1
            // Reclaim the consumed prefix once it dominates, keeping pops O(1) amortised.
            if head == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 1024, head * 2 > buffer.count {
                buffer.removeFirst(head)
                head = 0
            }
            return message
        }
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int) { self.capacity = capacity }

    /// Queues a message, or hands it to the waiting consumer.
    @discardableResult
    public func push(_ message: InboundMessage) -> PushResult {
        let (result, waiter): (PushResult, CheckedContinuation<InboundMessage?, Never>?) = state.withLock { state in
            if state.finished { return (.finished, nil) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (.enqueued, waiter)
            }
            guard state.count < capacity else { return (.dropped, nil) }
            state.buffer.append(message)
            return (.enqueued, nil)
        }
        waiter?.resume(returning: message)
        return result
    }

    /// The next message, or `nil` once the mailbox is finished (or the waiting task is cancelled).
    public func next() async -> InboundMessage? {
        let ready: InboundMessage?? = state.withLock { state in
            if let message = state.pop() { return .some(message) }
            return state.finished ? .some(nil) : nil
        }
        if let ready { return ready }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<InboundMessage?, Never>) in
                let immediate: InboundMessage?? = state.withLock { state in
                    if let message = state.pop() { return .some(message) }
                    if state.finished { return .some(nil) }
                    state.waiter = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            finish()
        }
    }

    /// Ends the mailbox: the consumer gets the queued messages, then `nil`.
    public func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<InboundMessage?, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }
}
