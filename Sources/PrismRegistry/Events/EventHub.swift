import PrismFilter
import Synchronization

/// Numbers events and hands them to watchers. A watcher that falls behind by more than its buffer is
/// dropped with a reason; publishing never waits for a watcher.
final class EventHub: Sendable {
    private struct Watcher {
        var continuation: AsyncThrowingStream<RegistryEvent, any Error>.Continuation
        var filter: Filter?
        var bufferSize: Int
    }

    private struct State {
        var revision: UInt64 = 0
        var watchers: [UInt64: Watcher] = [:]
        var nextWatcherID: UInt64 = 0
    }

    private let namespace: String
    private let state = Mutex(State())

    init(namespace: String) { self.namespace = namespace }

    var revision: UInt64 { state.withLock { $0.revision } }
    var watcherCount: Int { state.withLock { $0.watchers.count } }

    /// Assigns the next revision and delivers the event to every watcher whose filter it passes.
    @discardableResult
    func publish(
        _ kind: RegistryEvent.Kind, identity: Identity?, multicast: MulticastSummary? = nil, at timestamp: Timestamp
    ) -> RegistryEvent {
        let (event, dropped) = state.withLock { state in
            state.revision += 1
            let event = RegistryEvent(
                kind: kind, revision: state.revision, namespace: namespace, timestamp: timestamp, identity: identity,
                multicast: multicast)
            var dropped: [Watcher] = []
            for (id, watcher) in state.watchers {
                if let filter = watcher.filter, let identity,
                    !filter.matches(identity.metadata, identity: identity.name)
                {
                    continue
                }
                if case .dropped = watcher.continuation.yield(event) {
                    state.watchers[id] = nil
                    dropped.append(watcher)
                }
            }
            return (event, dropped)
        }
        // Finishing runs the stream's termination handler, which takes the lock: do it outside.
        for watcher in dropped {
            watcher.continuation.finish(
                throwing: RegistryError(
                    .resourceExhausted,
                    "watcher fell more than \(watcher.bufferSize) events behind and was dropped; "
                        + "watch again from the current revision"))
        }
        return event
    }

    /// A stream of future events (identity events only when they pass `filter`; MULTICAST always).
    func watch(filter: Filter?, bufferSize: Int) -> AsyncThrowingStream<RegistryEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<RegistryEvent, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(bufferSize))
        let id = state.withLock { state in
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            state.watchers[id] = Watcher(continuation: continuation, filter: filter, bufferSize: bufferSize)
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Ends every watch (the namespace is stopping).
    func finishAll() {
        let continuations = state.withLock { state in
            defer { state.watchers = [:] }
            return state.watchers.values.map(\.continuation)
        }
        for continuation in continuations { continuation.finish() }
    }
}
