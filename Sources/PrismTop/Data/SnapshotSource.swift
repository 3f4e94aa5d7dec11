import Foundation
import PrismAPI
import PrismClient
import Synchronization

/// Fetches prism-top's data from prismd: ListPatterns, Stats (with the namespace's recent multicasts,
/// which prismd keeps apart from the event replay window) and a page of Enumerate each refresh, and the
/// followed namespace's events (multicasts, and each identity's latest) from a Watch stream kept open
/// between refreshes.
///
/// Lives inside ``with(server:namespace:_:)``, whose scope holds the connection and the Watch stream.
public final class SnapshotSource: Sendable {
    public static let identityPageSize = 500
    /// Multicast rows kept, newest first.
    public static let multicastHistory = 200

    private let root: PrismClient
    /// The followed namespace's client, on ``root``'s connection.
    private let followed: Mutex<PrismClient>
    private let multicasts = Mutex<[MulticastRow]>([])
    private let identityEvents = Mutex(IdentityEventLog())
    private let watching = Mutex(false)
    /// The revision a new Watch stream replays from, each time one is wanted.
    private let watchRequests = AsyncStream<UInt64>.makeStream()
    private let seenRevision = Atomic<UInt64>(0)
    /// How far back a new watch replays (prismd keeps the last 10,000 events).
    static let replayedEvents: UInt64 = 5000

    private init(client: PrismClient) {
        root = client
        followed = Mutex(client)
    }

    /// Runs `body` with a source connected to prismd; the connection and the Watch stream end with it.
    /// Throws ``PrismClientError/invalidRequest(_:)`` for an address that is not HOST:PORT.
    public static func with<Result: Sendable>(
        server: String, namespace: String, tls: ClientTLS? = nil, _ body: (SnapshotSource) async throws -> Result
    ) async throws -> Result {
        try await PrismClient.with(server: server, namespace: namespace, callTimeout: .seconds(5), tls: tls) { client in
            let source = SnapshotSource(client: client)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await source.watchWhenAsked() }
                defer { group.cancelAll() }
                return try await body(source)
            }
        }
    }

    /// The namespace whose identities, multicasts and events are fetched.
    public var namespace: String { followed.withLock { $0.namespace } }

    /// Follows another namespace from the next fetch on: what was kept of the last one is dropped, and
    /// its Watch stream ends (a new one opens on the next fetch).
    public func follow(namespace: String) {
        let changed = followed.withLock { client in
            guard client.namespace != namespace else { return false }
            client = root.inNamespace(namespace)
            return true
        }
        guard changed else { return }
        multicasts.withLock { $0 = [] }
        identityEvents.withLock { $0 = IdentityEventLog() }
        seenRevision.store(0, ordering: .relaxed)
    }

    /// One refresh. Throws with a one-line reason when prismd cannot be reached or refuses.
    public func fetch(filter: String) async throws(PrismClientError) -> Snapshot {
        let client = followed.withLock { $0 }
        let patterns = try await client.listPatterns().map(SnapshotMapping.pattern)
        let stats = try await client.stats()
        // Oldest first, so each lands in front of the older ones already kept.
        for event in stats.recentMulticasts.reversed() where event.namespace == client.namespace {
            record(SnapshotMapping.multicast(event))
        }
        if ensureWatching(replayingFrom: stats.revision) {
            // A new watch replays recent events; wait (briefly) for them so the first frame has them.
            let deadline = ContinuousClock.now + .seconds(1)
            while seenRevision.load(ordering: .relaxed) < stats.revision, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        let page = try await client.enumeratePage(
            EnumerateOptions(filter: filter.isEmpty ? nil : filter, pageSize: Self.identityPageSize))
        return Snapshot(
            namespace: client.namespace, patterns: patterns,
            identities: page.identities.map { SnapshotMapping.identity($0, namespace: client.namespace) },
            identityTotal: Int(page.totalCount), multicasts: multicasts.withLock { $0 },
            latencyP50Milliseconds: Double(stats.multicastLatency.p50Us) / 1000,
            latencyP99Milliseconds: Double(stats.multicastLatency.p99Us) / 1000,
            identityEvents: identityEvents.withLock { $0.events },
            fetchedAt: Date().timeIntervalSince1970)
    }

    /// Asks for the Watch stream when it is not running, replaying the events of the last
    /// ``replayedEvents``; returns whether it asked. A broken stream reopens on the next refresh.
    private func ensureWatching(replayingFrom revision: UInt64) -> Bool {
        let ask = watching.withLock { watching in
            defer { watching = true }
            return !watching
        }
        // Revision 0 would mean "no replay"; from 1 every kept event but the very first comes back.
        if ask { watchRequests.continuation.yield(revision > Self.replayedEvents ? revision - Self.replayedEvents : 1) }
        return ask
    }

    /// Opens a Watch stream each time one is asked for, and reads it until it ends or another namespace
    /// is followed.
    private func watchWhenAsked() async {
        for await start in watchRequests.stream {
            let client = followed.withLock { $0 }
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    // The replay may be gone (prismd restarted, say): then from now on.
                    if (try? await self.watchEvents(of: client, startRevision: start)) == nil, !Task.isCancelled {
                        try? await self.watchEvents(of: client, startRevision: nil)
                    }
                }
                group.addTask { await self.waitUntilFollowing(other: client.namespace) }
                await group.next()
                group.cancelAll()
            }
            watching.withLock { $0 = false }
        }
    }

    private func waitUntilFollowing(other namespace: String) async {
        while !Task.isCancelled, self.namespace == namespace {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    private func watchEvents(of client: PrismClient, startRevision: UInt64?) async throws {
        try await client.watch(startRevision: startRevision) { [self] events in
            do {
                for try await event in events {
                    // A stream being left for another namespace may still deliver; its events are not kept.
                    guard event.namespace == namespace || event.namespace.isEmpty else { return }
                    seenRevision.store(event.revision, ordering: .relaxed)
                    switch event.kind {
                    case .multicast: record(SnapshotMapping.multicast(event))
                    case .registered, .updated, .heartbeat, .unregistered, .expired:
                        let row = SnapshotMapping.identityEvent(event)
                        identityEvents.withLock { $0.record(row, of: event.identity.identity) }
                    default: continue
                    }
                }
            } catch {}
        }
    }

    private func record(_ row: MulticastRow) {
        multicasts.withLock { rows in
            rows = MulticastHistory.inserting(row, into: rows, keeping: Self.multicastHistory)
        }
    }
}
