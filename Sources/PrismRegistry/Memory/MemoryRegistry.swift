import PrismFilter
import Synchronization

/// The in-memory registry slot: the fastest backend; its contents are lost when the process ends.
///
/// Identities live in a dense array (scans are sequential), with equality indexes for selective
/// filters and a deadline heap for expiry. One `Mutex` guards the state: every operation is short and
/// never suspends while holding it.
public final class MemoryRegistry: RegistrySlot {
    public let backend = "memory"

    /// With automatic indexing, a path is indexed once a filter's equality on it would otherwise scan at
    /// least this many identities...
    static let autoIndexThreshold = 256
    /// ...and at most this many paths are indexed automatically.
    static let maxAutoIndexes = 8

    private let state: Mutex<MemoryState>
    private let automaticIndexes: Bool

    /// - Parameter indexedFields: metadata paths to index; `nil` chooses automatically (see
    ///   ``NamespaceSettings/indexedFields``).
    public init(indexedFields: [[String]]? = nil) {
        state = Mutex(MemoryState(indexedPaths: indexedFields ?? []))
        automaticIndexes = indexedFields == nil
    }

    public func register(
        _ identity: Identity, replace: Bool, capacity: Int?, now: Timestamp
    ) async throws(RegistryError) -> Identity? {
        try state.withLock { state throws(RegistryError) -> Identity? in
            var stored = identity
            let existing = state.identity(named: identity.name).flatMap { $0.isExpired(at: now) ? nil : $0 }
            if let existing {
                guard replace else {
                    throw RegistryError.alreadyRegistered(identity.name)
                }
                stored.registeredAt = existing.registeredAt
            } else if let capacity, state.count - state.expiredCount(now: now) >= capacity {
                throw RegistryError.capacityReached(capacity)
            }
            state.store(stored)
            return existing
        }
    }

    public func renew(
        _ name: String, _ renewal: Renewal, metadataPatch: JSONObject?, now: Timestamp
    ) async throws(RegistryError) -> Identity {
        try state.withLock { state throws(RegistryError) -> Identity in
            guard let stored = state.identity(named: name), !stored.isExpired(at: now) else {
                throw .notRegistered(name)
            }
            let identity = try stored.renewed(renewal, metadataPatch: metadataPatch, at: now)
            state.store(identity)
            return identity
        }
    }

    public func remove(_ name: String, now: Timestamp) async throws(RegistryError) -> Identity? {
        state.withLock { state in
            state.delete(name).flatMap { $0.isExpired(at: now) ? nil : $0 }
        }
    }

    public func get(_ name: String, now: Timestamp) async throws(RegistryError) -> Identity? {
        state.withLock { state in
            state.identity(named: name).flatMap { $0.isExpired(at: now) ? nil : $0 }
        }
    }

    public func enumerate(_ query: EnumerationQuery, now: Timestamp) async throws(RegistryError) -> EnumerationPage {
        let limit = max(1, query.limit)
        return state.withLock { state in
            var page: EnumerationPage
            if query.sort.path == nil {
                page = pageInNameOrder(in: &state, query: query, limit: limit, now: now)
            } else {
                var selection = PageSelection(order: query.sort, cursor: query.cursor, limit: limit)
                var total = 0
                forEachCandidate(in: &state, filter: query.filter, now: now) { identity, position in
                    total += 1
                    selection.consider(identity, position: position)
                }
                page = selection.page(totalCount: total, identities: state.identities)
            }
            if !query.includeMetadata {
                for index in page.identities.indices { page.identities[index].metadata = JSONObject() }
            }
            return page
        }
    }

    /// A page in name order: a walk from the cursor through names kept in order (all names, the best
    /// index bucket's, or the filter's cached matches) that stops after `limit` matches, so its cost
    /// follows the page, not the namespace's size.
    private func pageInNameOrder(
        in state: inout MemoryState, query: EnumerationQuery, limit: Int, now: Timestamp
    ) -> EnumerationPage {
        let plan = query.filter.flatMap { candidates(in: &state, for: $0.expression) }
        // A filter that is one indexed equality is its bucket; any other is served from its matches.
        let matches = query.filter.flatMap { filter in
            plan?.isWholeFilter == true ? nil : matchingNames(in: &state, filter: filter, plan: plan, now: now)
        }
        let names = matches ?? plan?.names ?? state.namesInOrder()
        var picked: [Identity] = []
        var hasMore = false
        let descending = query.sort.descending
        var index: Int
        if let cursor = query.cursor {
            let boundary = SortedNames.firstIndex(in: names, notBefore: cursor.name)
            let atCursor = boundary < names.count && names[boundary] == cursor.name
            index = descending ? boundary - 1 : (atCursor ? boundary + 1 : boundary)
        } else {
            index = descending ? names.count - 1 : 0
        }
        while index >= 0, index < names.count {
            defer { index += descending ? -1 : 1 }
            guard let position = state.position(of: names[index]) else { continue }
            let identity = state.identities[position]
            if matches == nil {
                state.lastExaminedCount += 1
                guard !identity.isExpired(at: now),
                    query.filter?.matches(identity.metadata, identity: identity.name) ?? true
                else { continue }
            }
            guard picked.count < limit else {
                hasMore = true
                break
            }
            picked.append(identity)
        }
        let next = hasMore ? picked.last.map { EnumerationCursor(sortValue: nil, name: $0.name) } : nil
        let total: Int
        if let matches {
            total = matches.count
        } else if let filter = query.filter, let plan {
            total = plan.names.count - state.expiredCount(now: now, matching: filter)
        } else {
            total = state.count - state.expiredCount(now: now)
        }
        return EnumerationPage(identities: picked, totalCount: total, nextCursor: next)
    }

    /// The names `filter` matches, in order: from the cache while nothing changed, else one pass over
    /// its candidates (the best index bucket, or every name), remembered for the next page.
    private func matchingNames(in state: inout MemoryState, filter: Filter, plan: CandidatePlan?, now: Timestamp)
        -> [String]
    {
        if let cached = state.matchCache.names(for: filter, revision: state.revision, now: now) {
            state.lastExaminedCount = 0
            return cached
        }
        let candidates = plan?.names ?? state.namesInOrder()
        var matches: [String] = []
        for name in candidates {
            guard let position = state.position(of: name) else { continue }
            let identity = state.identities[position]
            if !identity.isExpired(at: now), filter.matches(identity.metadata, identity: identity.name) {
                matches.append(name)
            }
        }
        state.lastExaminedCount = candidates.count
        state.matchCache.store(matches, for: filter, revision: state.revision, validBefore: state.earliestDeadline)
        return matches
    }

    public func targets(matching filter: Filter?, limit: Int?, now: Timestamp) async throws(RegistryError) -> [String] {
        state.withLock { state in
            var names: [String] = []
            forEachCandidate(in: &state, filter: filter, now: now) { identity, _ in
                if let limit, names.count >= limit { return }
                names.append(identity.name)
            }
            return names
        }
    }

    public func removeExpired(now: Timestamp, limit: Int) async throws(RegistryError) -> [Identity] {
        state.withLock { $0.removeExpired(now: now, limit: limit) }
    }

    public func count(now: Timestamp) async throws(RegistryError) -> Int {
        // Expired identities the sweeper has not removed yet are not counted; they are found through the
        // deadline heap, so counting never scans every identity.
        state.withLock { state in state.count - state.expiredCount(now: now) }
    }

    public func health() async -> SlotHealth {
        let (count, indexes) = state.withLock { ($0.count, $0.indexes.keys.map { $0.joined(separator: ".") }) }
        let indexed = indexes.isEmpty ? "no indexes" : "indexes: \(indexes.sorted().joined(separator: ", "))"
        return SlotHealth(.healthy, "in memory, \(count) identities, \(indexed)")
    }

    public func close() async {}

    /// The paths currently indexed, for tests and health details.
    public var indexedPaths: [[String]] { state.withLock { Array($0.indexes.keys) } }

    /// How many identities the last enumerate or targets call examined: tests check that an indexed
    /// equality does not scan.
    var lastExaminedCount: Int { state.withLock { $0.lastExaminedCount } }

    /// Calls `body` with each unexpired identity the filter matches, reading an index instead of scanning
    /// when a top-level conjunct allows it.
    private func forEachCandidate(
        in state: inout MemoryState, filter: Filter?, now: Timestamp, _ body: (borrowing Identity, Int) -> Void
    ) {
        if let filter, let names = candidates(in: &state, for: filter.expression)?.names {
            state.lastExaminedCount = names.count
            for name in names {
                guard let position = state.position(of: name) else { continue }
                let identity = state.identities[position]
                guard !identity.isExpired(at: now), filter.matches(identity.metadata, identity: identity.name)
                else { continue }
                body(identity, position)
            }
            return
        }
        state.lastExaminedCount = state.identities.count
        // Reading fields through the buffer, rather than copying each `Identity` out of the array, saves
        // the reference counting of every copy: most of a scan's cost otherwise.
        state.identities.withUnsafeBufferPointer { identities in
            if let filter {
                for position in identities.indices
                where !identities[position].isExpired(at: now)
                    && filter.matches(identities[position].metadata, identity: identities[position].name)
                {
                    body(identities[position], position)
                }
            } else {
                for position in identities.indices where !identities[position].isExpired(at: now) {
                    body(identities[position], position)
                }
            }
        }
    }

    /// The names an index (or the name table) narrows a filter to.
    private struct CandidatePlan {
        /// Ascending, without repeats; a superset of the filter's matches.
        var names: [String]
        /// The filter is exactly this one equality, so every candidate matches it.
        var isWholeFilter: Bool
    }

    /// The smallest candidate set any indexable conjunct gives, or `nil` to scan.
    private func candidates(in state: inout MemoryState, for expression: FilterExpression) -> CandidatePlan? {
        let conjuncts = IndexablePredicate.conjuncts(of: expression)
        var best: CandidatePlan?
        for conjunct in conjuncts {
            let names: [String]
            var single = false
            switch conjunct {
            case .identity(let list):
                names = Set(list).sorted()
            case .metadata(let path, let values):
                if state.indexes[path] == nil, automaticIndexes, state.count >= Self.autoIndexThreshold,
                    state.indexes.count < Self.maxAutoIndexes
                {
                    state.addIndex(path)
                }
                guard let indexed = state.indexedNames(path: path, equalTo: values) else { continue }
                names = indexed.names
                // One value only: the union of several buckets is sorted apart and costs its own pass.
                single = values.count == 1 && indexed.exact
            }
            if names.count < best?.names.count ?? .max {
                best = CandidatePlan(names: names, isWholeFilter: single && conjuncts.count == 1 && !expression.isAnd)
            }
        }
        return best
    }
}

extension FilterExpression {
    fileprivate var isAnd: Bool {
        if case .and = self { true } else { false }
    }
}
