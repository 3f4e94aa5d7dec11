import PrismFilter
import PrismRegistry

extension SQLiteRegistry {
    /// The WHERE clause for unexpired identities of this namespace that a filter may select, its
    /// parameters (`?1` namespace, `?2` now, then the filter's), and whether SQL alone decides the filter.
    private func selection(_ filter: Filter?, now: Timestamp) -> (sql: String, parameters: [SQLiteValue], exact: Bool) {
        var sql = "namespace = ?1 AND \(Self.unexpired)"
        var parameters: [SQLiteValue] = [.text(namespace), .integer(now.milliseconds)]
        guard let filter else { return (sql, parameters, true) }
        guard pushdown else { return (sql, parameters, false) }
        let compiled = SQLFilter.compile(filter.expression, firstParameter: 3)
        sql += " AND " + compiled.sql
        parameters += compiled.parameters
        // An equality on an indexed path, repeated in the form the expression index was built on, lets
        // SQLite read the index; the full condition above still decides exactly.
        for (path, value) in SQLiteIndexes.indexableEqualities(in: filter.expression, indexed: indexedPaths) {
            parameters.append(value)
            sql += " AND \(SQLiteIndexes.expression(for: path)) = ?\(parameters.count)"
        }
        return (sql, parameters, compiled.exact)
    }

    public func enumerate(_ query: EnumerationQuery, now: Timestamp) async throws(RegistryError) -> EnumerationPage {
        let (condition, parameters, exact) = selection(query.filter, now: now)
        let limit = max(1, query.limit)
        let filter = query.filter
        if exact, query.sort.path == nil {
            return try await database.read { connection throws(RegistryError) -> EnumerationPage in
                try Self.keysetPage(
                    condition: condition, parameters: parameters, limit: limit, cursor: query.cursor,
                    descending: query.sort.descending, includeMetadata: query.includeMetadata, in: connection)
            }
        }
        // Sorting by a metadata field, or a filter SQL cannot decide alone: rank in Swift like every slot.
        return try await database.read { connection throws(RegistryError) -> EnumerationPage in
            var candidates: [Identity] = []
            try connection.query("SELECT \(Self.columns) FROM identities WHERE \(condition)", parameters) {
                row throws(RegistryError) in
                let identity = Self.identity(from: row)
                if exact || filter?.matches(identity.metadata, identity: identity.name) != false {
                    candidates.append(identity)
                }
            }
            var selection = PageSelection(order: query.sort, cursor: query.cursor, limit: limit)
            for (position, identity) in candidates.enumerated() { selection.consider(identity, position: position) }
            var page = selection.page(totalCount: candidates.count, identities: candidates)
            if !query.includeMetadata {
                for index in page.identities.indices { page.identities[index].metadata = JSONObject() }
            }
            return page
        }
    }

    /// A page ordered by name in one pass over the filter: the names of all matches (for the total and
    /// the keyset position), then the page's rows fetched by primary key.
    private static func keysetPage(
        condition: String, parameters: [SQLiteValue], limit: Int, cursor: EnumerationCursor?, descending: Bool,
        includeMetadata: Bool, in connection: SQLiteConnection
    ) throws(RegistryError) -> EnumerationPage {
        var names: [String] = []
        try connection.query(
            "SELECT name FROM identities WHERE \(condition) ORDER BY name \(descending ? "DESC" : "ASC")", parameters
        ) { row throws(RegistryError) in names.append(row.text(0)) }
        var pageNames = names[...]
        if let cursor {
            let start = pageNames.firstIndex { descending ? $0 < cursor.name : $0 > cursor.name } ?? pageNames.endIndex
            pageNames = pageNames[start...]
        }
        let hasMore = pageNames.count > limit
        pageNames = pageNames.prefix(limit)
        var identities: [Identity] = []
        if !pageNames.isEmpty {
            let wanted = Value.array(pageNames.map { .string($0) }).jsonText
            let columns = includeMetadata ? columns : "name, '{}', registered_at, updated_at, expires_at"
            try connection.query(
                """
                SELECT \(columns) FROM identities
                WHERE namespace = ?1 AND name IN (SELECT value FROM json_each(?2))
                ORDER BY name \(descending ? "DESC" : "ASC")
                """, [parameters[0], .text(wanted)]
            ) { row throws(RegistryError) in identities.append(identity(from: row)) }
        }
        let next = hasMore ? identities.last.map { EnumerationCursor(sortValue: nil, name: $0.name) } : nil
        return EnumerationPage(identities: identities, totalCount: names.count, nextCursor: next)
    }

    public func targets(matching filter: Filter?, limit: Int?, now: Timestamp) async throws(RegistryError) -> [String] {
        let (condition, parameters, exact) = selection(filter, now: now)
        return try await database.read { connection throws(RegistryError) -> [String] in
            var names: [String] = []
            let sql =
                exact
                ? "SELECT name FROM identities WHERE \(condition)"
                : "SELECT \(Self.columns) FROM identities WHERE \(condition)"
            try connection.query(sql, parameters) { row throws(RegistryError) in
                if let limit, names.count >= limit { return }
                if exact {
                    names.append(row.text(0))
                } else {
                    let identity = Self.identity(from: row)
                    if filter?.matches(identity.metadata, identity: identity.name) != false {
                        names.append(identity.name)
                    }
                }
            }
            return names
        }
    }
}
