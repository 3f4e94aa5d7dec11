import Synchronization

/// Messages waiting to be written to one side of a stream, taken by the writer in batches.
///
/// A gRPC stream writer flushes each write, so a message at a time costs a system call and a wake-up
/// of the other side per message. A Session carries thousands of small messages a second; the writer
/// takes everything queued at once and writes it with one flush. A writer may also linger briefly
/// after the first message of a quiet spell so that others join it (``next(linger:)``), unless a
/// message was queued as urgent (an ack someone waits for).
public final class WriteBatchQueue<Element: Sendable>: Sendable {
    private struct State {
        var items: [Element] = []
        var urgent = false
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    /// The most messages that may wait; ``append(_:urgent:)`` refuses more.
    public let capacity: Int

    public init(capacity: Int = .max) {
        self.capacity = capacity
    }

    public enum AppendResult: Sendable {
        case queued
        /// ``capacity`` messages were waiting; this one was not queued.
        case full
        /// ``finish()`` was called; this one was not queued.
        case finished
    }

    /// Queues a message, unless the queue is full or finished.
    @discardableResult
    public func append(_ item: Element, urgent: Bool = false) -> AppendResult {
        let (result, waiter) = state.withLock { state -> (AppendResult, CheckedContinuation<Void, Never>?) in
            guard !state.finished else { return (.finished, nil) }
            guard state.items.count < capacity else { return (.full, nil) }
            state.items.append(item)
            state.urgent = state.urgent || urgent
            defer { state.waiter = nil }
            return (.queued, state.waiter)
        }
        waiter?.resume()
        return result
    }

    /// No more messages: the writer gets what is queued, then nil.
    public func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Everything queued, waiting for at least one message; nil once finished and drained, or when
    /// the calling task is cancelled (a stream's writer must end with its call). With a `linger`, a
    /// batch without urgent messages waits that long for more before it is taken.
    public func next(linger: Duration = .zero) async -> [Element]? {
        while !Task.isCancelled {
            let (hasItems, finished, urgent) = state.withLock { state in
                (!state.items.isEmpty, state.finished, state.urgent)
            }
            if hasItems {
                if linger > .zero, !urgent, !finished { try? await Task.sleep(for: linger) }
                return state.withLock { state in
                    defer {
                        state.items = []
                        state.urgent = false
                    }
                    return state.items
                }
            }
            if finished { return nil }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let ready = state.withLock { state -> Bool in
                        guard state.items.isEmpty, !state.finished, !Task.isCancelled else { return true }
                        state.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { state in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
        }
        return nil
    }
}
