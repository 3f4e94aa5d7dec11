import Foundation
import PrismAPI
import PrismClient
import Synchronization

/// Fetches prism-top's data from prismd: ListPatterns, Stats and a page of Enumerate each refresh,
/// and the namespace's MULTICAST events from a Watch stream kept open between refreshes.
public final class SnapshotSource: Sendable {
    public static let identityPageSize = 500
    /// Multicast rows kept, newest first.
    public static let multicastHistory = 200

    private let client: PrismClient
    private let multicasts = Mutex<[MulticastRow]>([])
    private let watching = Mutex<Task<Void, Never>?>(nil)
    private let seenRevision = Atomic<UInt64>(0)
    /// How far back a new watch replays (prismd keeps the last 10,000 events).
    static let replayedEvents: UInt64 = 5000

    public init(server: String, namespace: String) throws(PrismClientError) {
        client = try PrismClient(server: server, namespace: namespace, callTimeout: .seconds(5))
    }

    /// One refresh. Throws with a one-line reason when prismd cannot be reached or refuses.
    public func fetch(filter: String) async throws(PrismClientError) -> Snapshot {
        let patterns = try await client.listPatterns().map(SnapshotMapping.pattern)
        let stats = try await client.stats()
        if ensureWatching(replayingFrom: stats.revision) {
            // A new watch replays recent multicasts; wait (briefly) for them so the first frame has them.
            let deadline = ContinuousClock.now + .seconds(1)
            while seenRevision.load(ordering: .relaxed) < stats.revision, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        let page = try await client.enumeratePage(
            EnumerateOptions(filter: filter.isEmpty ? nil : filter, pageSize: Self.identityPageSize))
        return Snapshot(
            patterns: patterns,
            identities: page.identities.map { SnapshotMapping.identity($0, namespace: client.namespace) },
            identityTotal: Int(page.totalCount), multicasts: multicasts.withLock { $0 },
            latencyP50Milliseconds: Double(stats.multicastLatency.p50Us) / 1000,
            latencyP99Milliseconds: Double(stats.multicastLatency.p99Us) / 1000,
            fetchedAt: Date().timeIntervalSince1970)
    }

    /// (Re)opens the Watch stream when it is not running, replaying the multicasts of the last
    /// ``replayedEvents`` events; returns whether it opened one. A broken stream reopens on the next refresh.
    private func ensureWatching(replayingFrom revision: UInt64) -> Bool {
        watching.withLock { task in
            guard task == nil else { return false }
            // Revision 0 would mean "no replay"; from 1 every kept event but the very first comes back.
            let start = revision > Self.replayedEvents ? revision - Self.replayedEvents : 1
            task = Task { [self] in
                defer { self.watching.withLock { $0 = nil } }
                var opened = try? await self.client.watch(startRevision: start)
                if opened == nil { opened = try? await self.client.watch() }
                guard let events = opened else { return }
                do {
                    for try await event in events {
                        seenRevision.store(event.revision, ordering: .relaxed)
                        guard event.kind == .multicast else { continue }
                        let row = SnapshotMapping.multicast(event)
                        self.multicasts.withLock { rows in
                            guard !rows.contains(where: { $0.at == row.at && $0.filter == row.filter }) else { return }
                            rows.insert(row, at: 0)
                            if rows.count > Self.multicastHistory {
                                rows.removeLast(rows.count - Self.multicastHistory)
                            }
                        }
                    }
                } catch {}
            }
            return true
        }
    }

    public func close() async {
        watching.withLock { $0?.cancel() }
        await client.close()
    }
}
