import DequeModule
import PrismFilter
import Synchronization

/// Numbers events and hands them to watchers. A watcher that falls behind by more than its buffer is
/// dropped with a reason; publishing never waits for a watcher. The latest `replayCapacity` events stay
/// in memory so that a watcher can resume from a revision it saw (after a reconnect, say). The latest
/// `multicastCapacity` MULTICAST events are also kept apart: heartbeats of a large fleet fill the replay
/// window in minutes, and a dashboard opened after that should still see the recent multicasts.
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
        var recent: Deque<RegistryEvent> = []
        var recentMulticasts: Deque<RegistryEvent> = []
    }

    private let namespace: String
    private let replayCapacity: Int
    private let multicastCapacity: Int
    private let state = Mutex(State())

    init(namespace: String, replayCapacity: Int = 10_000, multicastCapacity: Int = 50) {
        self.namespace = namespace
        self.replayCapacity = replayCapacity
        self.multicastCapacity = multicastCapacity
    }

    var revision: UInt64 { state.withLock { $0.revision } }

    /// The latest MULTICAST events, newest first, however many other events came after them.
    var recentMulticasts: [RegistryEvent] { state.withLock { Array($0.recentMulticasts.reversed()) } }
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
            if state.recent.count == replayCapacity { state.recent.removeFirst() }
            state.recent.append(event)
            if kind == .multicast, multicastCapacity > 0 {
                if state.recentMulticasts.count == multicastCapacity { state.recentMulticasts.removeFirst() }
                state.recentMulticasts.append(event)
            }
            var dropped: [Watcher] = []
            for (id, watcher) in state.watchers {
                guard Self.passes(event, watcher.filter) else { continue }
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

    private static func passes(_ event: RegistryEvent, _ filter: Filter?) -> Bool {
        guard let filter, let identity = event.identity else { return true }
        return filter.matches(identity.metadata, identity: identity.name)
    }

    /// A stream of events (identity events only when they pass `filter`; MULTICAST always): first those
    /// after `startRevision` still in memory, then new ones, with no gap and no repeat between the two.
    /// - Throws: INVALID_ARGUMENT when `startRevision` is ahead of the latest revision or older than the
    ///   events kept in memory.
    func watch(filter: Filter?, bufferSize: Int, after startRevision: UInt64? = nil) throws(RegistryError)
        -> AsyncThrowingStream<RegistryEvent, any Error>
    {
        let (watcherID, stream, continuation) = try state.withLock { state throws(RegistryError) in
            var replay: [RegistryEvent] = []
            if let startRevision {
                guard startRevision <= state.revision else {
                    throw RegistryError(
                        .invalidArgument,
                        "start revision \(startRevision) is ahead of namespace '\(namespace)''s latest revision \(state.revision)"
                    )
                }
                let oldestKept = state.recent.first?.revision ?? state.revision + 1
                guard startRevision + 1 >= oldestKept else {
                    throw RegistryError(
                        .invalidArgument,
                        "start revision \(startRevision) is no longer in memory (the oldest kept is \(oldestKept)); "
                            + "enumerate, then watch from the current revision")
                }
                replay = state.recent.filter { $0.revision > startRevision && Self.passes($0, filter) }
            }
            let (stream, continuation) = AsyncThrowingStream<RegistryEvent, any Error>.makeStream(
                bufferingPolicy: .bufferingOldest(bufferSize + replay.count))
            for event in replay { continuation.yield(event) }
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            state.watchers[id] = Watcher(continuation: continuation, filter: filter, bufferSize: bufferSize)
            return (id, stream, continuation)
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: watcherID) }
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
