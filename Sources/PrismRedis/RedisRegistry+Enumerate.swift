import PrismFilter
import PrismRegistry

extension RedisRegistry {
    public func enumerate(_ query: EnumerationQuery, now: Timestamp) async throws(RegistryError) -> EnumerationPage {
        let program = query.filter.map { LuaFilter($0.expression) } ?? .everything
        let limit = max(1, query.limit)
        guard query.sort.path == nil else { return try await rankedPage(query, program: program, now: now) }
        // Keyset by name, in the order Redis keeps the names: the script returns the rows of the page
        // (and any it left undecided) and only counts the other matches, so a page over 100k identities
        // moves a page of metadata, not all of it.
        var budget = limit + 1
        var before = 0
        var after = 0
        var candidates: [Identity] = []
        var start: String? = query.sort.descending ? "+" : "-"
        while let from = start {
            let chunk = try await scanChunk(
                program, mode: .page, descending: query.sort.descending, start: from, cursor: query.cursor?.name,
                budget: budget, now: now)
            before += chunk.countedBefore
            after += chunk.countedAfter
            budget = chunk.budget
            for row in chunk.rows {
                guard let identity = try Self.decidedMatch(row, filter: query.filter) else { continue }
                if let cursor = query.cursor, !cursor.precedes(sortValue: nil, name: identity.name, in: query.sort) {
                    before += 1
                } else {
                    candidates.append(identity)
                }
            }
            start = chunk.next
        }
        // Every match after the cursor up to the budget came back in order, so the page is their prefix.
        var identities = Array(candidates.prefix(limit))
        if !query.includeMetadata {
            for index in identities.indices { identities[index].metadata = JSONObject() }
        }
        let hasMore = candidates.count + after > limit
        return EnumerationPage(
            identities: identities, totalCount: before + after + candidates.count,
            nextCursor: hasMore ? identities.last.map { EnumerationCursor(sortValue: nil, name: $0.name) } : nil)
    }

    /// A page sorted by a metadata field: every match comes back and is ranked in Swift, like every slot.
    private func rankedPage(_ query: EnumerationQuery, program: LuaFilter, now: Timestamp)
        async throws(RegistryError) -> EnumerationPage
    {
        var matches: [Identity] = []
        var start: String? = "-"
        while let from = start {
            let chunk = try await scanChunk(
                program, mode: .all, descending: false, start: from, cursor: nil, budget: 0, now: now)
            for row in chunk.rows {
                if let identity = try Self.decidedMatch(row, filter: query.filter) { matches.append(identity) }
            }
            start = chunk.next
        }
        var selection = PageSelection(order: query.sort, cursor: query.cursor, limit: max(1, query.limit))
        for (position, identity) in matches.enumerated() { selection.consider(identity, position: position) }
        var page = selection.page(totalCount: matches.count, identities: matches)
        if !query.includeMetadata {
            for index in page.identities.indices { page.identities[index].metadata = JSONObject() }
        }
        return page
    }

    public func targets(matching filter: Filter?, limit: Int?, now: Timestamp) async throws(RegistryError) -> [String] {
        let program = filter.map { LuaFilter($0.expression) } ?? .everything
        var names: [String] = []
        var start: String? = "-"
        while let from = start {
            let chunk = try await scanChunk(
                program, mode: .names, descending: false, start: from, cursor: nil, budget: 0, now: now)
            for row in chunk.rows {
                if row.decided {
                    names.append(row.name)
                } else if let identity = try Self.decidedMatch(row, filter: filter) {
                    names.append(identity.name)
                }
                if let limit, names.count >= limit { return names }
            }
            start = chunk.next
        }
        return names
    }

    /// Runs the scan script once, over up to ``RedisScanChunk/size`` names from `start`.
    func scanChunk(
        _ program: LuaFilter, mode: RedisScanChunk.Mode, descending: Bool, start: String, cursor: String?,
        budget: Int, now: Timestamp
    ) async throws(RegistryError) -> RedisScanChunk {
        var arguments: [[UInt8]] = [
            Array(String(now.milliseconds).utf8), Array((descending ? "desc" : "asc").utf8), Array(start.utf8),
            Array(String(RedisScanChunk.size).utf8), Array((cursor ?? "").utf8), Array(mode.rawValue.utf8),
            Array(String(budget).utf8), Array(keyPrefix.utf8), Array(String(program.needles.count).utf8),
        ]
        arguments += program.needles
        arguments += program.program
        let reply = try await scanScript.run(on: pool, keys: [idsKey], arguments: arguments)
        return try RedisScanChunk(reply, address: pool.address)
    }

    /// The row's identity when it matches: as the script decided, or else by the reference evaluator.
    private static func decidedMatch(_ row: RedisScanChunk.Row, filter: Filter?) throws(RegistryError) -> Identity? {
        let identity = try identity(row.name, row.fields)
        if !row.decided, let filter, !filter.matches(identity.metadata, identity: identity.name) { return nil }
        return identity
    }
}
