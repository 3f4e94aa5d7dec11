import PrismFilter
import PrismRegistry

/// The SQLite registry slot: the embedded, persistent default.
///
/// Every write is committed (group commit, WAL) before it returns; filters are pushed down to SQL over
/// `json_extract`/`json_type`/`json_each` where SQLite can decide them exactly, and finished by the
/// reference evaluator otherwise; expiry reads an index on `expires_at`.
public final class SQLiteRegistry: RegistrySlot {
    public let backend = "sqlite"
    public let database: SQLiteDatabase
    public let namespace: String
    /// Whether filters are pushed down to SQL (the default). Off, every row is tested in Swift: the
    /// benchmark compares the two.
    public let pushdown: Bool

    static let columns = "name, metadata, registered_at, updated_at, expires_at"
    static let unexpired = "(expires_at IS NULL OR expires_at > ?2)"

    /// Metadata paths with an expression index (``NamespaceSettings/indexedFields``).
    public let indexedPaths: Set<[String]>

    /// - Parameter indexedFields: metadata paths to give expression indexes, so an equality on them
    ///   reads the index instead of parsing every row's JSON. Call ``prepareIndexes()`` once to create them.
    public init(database: SQLiteDatabase, namespace: String, pushdown: Bool = true, indexedFields: [[String]] = []) {
        self.database = database
        self.namespace = namespace
        self.pushdown = pushdown
        indexedPaths = Set(indexedFields.filter(SQLiteIndexes.isIndexable))
    }

    /// Creates the expression indexes of ``indexedPaths`` (idempotent; one pass over the table each).
    public func prepareIndexes() async throws(RegistryError) {
        let statements = indexedPaths.map(SQLiteIndexes.createStatement)
        guard !statements.isEmpty else { return }
        try await database.writer.write { connection throws(RegistryError) in
            for statement in statements { try connection.execute(statement) }
        }
    }

    static func identity(from row: SQLiteRow) -> Identity {
        let metadata: JSONObject
        if case .object(let members)? = try? Value(json: row.text(1)) {
            metadata = members
        } else {
            metadata = JSONObject()
        }
        return Identity(
            name: row.text(0), metadata: metadata, registeredAt: Timestamp(milliseconds: row.integer(2)),
            updatedAt: Timestamp(milliseconds: row.integer(3)),
            expiresAt: row.optionalInteger(4).map(Timestamp.init(milliseconds:)))
    }

    static func parameters(for identity: Identity, namespace: String) -> [SQLiteValue] {
        [
            .text(namespace), .text(identity.name), .text(Value.object(identity.metadata).jsonText),
            .integer(identity.registeredAt.milliseconds), .integer(identity.updatedAt.milliseconds),
            identity.expiresAt.map { .integer($0.milliseconds) } ?? .null,
        ]
    }

    /// The stored identity of that name, expired or not (writes decide what expiry means for them).
    static func stored(_ name: String, namespace: String, in connection: SQLiteConnection) throws(RegistryError)
        -> Identity?
    {
        var found: Identity?
        try connection.query(
            "SELECT \(columns) FROM identities WHERE namespace = ?1 AND name = ?2", [.text(namespace), .text(name)]
        ) { row throws(RegistryError) in found = identity(from: row) }
        return found
    }

    static let insert = """
        INSERT OR REPLACE INTO identities (namespace, name, metadata, registered_at, updated_at, expires_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        """

    static let insertIfAbsent = """
        INSERT OR IGNORE INTO identities (namespace, name, metadata, registered_at, updated_at, expires_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        """

    static func store(_ identity: Identity, namespace: String, in connection: SQLiteConnection) throws(RegistryError) {
        try connection.run(insert, parameters(for: identity, namespace: namespace))
    }

    public func register(_ identity: Identity, replace: Bool, capacity: Int?, now: Timestamp)
        async throws(RegistryError) -> Identity?
    {
        let namespace = self.namespace
        // Encoded here, in the caller's task: the single writer thread is what limits write throughput.
        let encoded = Self.parameters(for: identity, namespace: namespace)
        return try await database.writer.write { connection throws(RegistryError) -> Identity? in
            // Most registrations are of new names: try the insert alone first (one statement).
            if capacity == nil {
                try connection.run(Self.insertIfAbsent, encoded)
                if connection.changes == 1 { return nil }
            }
            var parameters = encoded
            let existing = try Self.stored(identity.name, namespace: namespace, in: connection)
                .flatMap { $0.isExpired(at: now) ? nil : $0 }
            if let existing {
                guard replace else {
                    throw RegistryError.alreadyRegistered(identity.name)
                }
                parameters[3] = .integer(existing.registeredAt.milliseconds)
            } else if let capacity {
                var count = 0
                try connection.query(
                    "SELECT count(*) FROM identities WHERE namespace = ?1 AND \(Self.unexpired)",
                    [.text(namespace), .integer(now.milliseconds)]
                ) { row throws(RegistryError) in count = Int(row.integer(0)) }
                if count >= capacity {
                    throw RegistryError.capacityReached(capacity)
                }
            }
            try connection.run(Self.insert, parameters)
            return existing
        }
    }

    public func renew(_ name: String, _ renewal: Renewal, metadataPatch: JSONObject?, now: Timestamp)
        async throws(RegistryError) -> Identity
    {
        let namespace = self.namespace
        return try await database.writer.write { connection throws(RegistryError) -> Identity in
            guard let stored = try Self.stored(name, namespace: namespace, in: connection), !stored.isExpired(at: now)
            else {
                throw .notRegistered(name)
            }
            let identity = try stored.renewed(renewal, metadataPatch: metadataPatch, at: now)
            try Self.store(identity, namespace: namespace, in: connection)
            return identity
        }
    }

    public func remove(_ name: String, now: Timestamp) async throws(RegistryError) -> Identity? {
        let namespace = self.namespace
        return try await database.writer.write { connection throws(RegistryError) -> Identity? in
            guard let identity = try Self.stored(name, namespace: namespace, in: connection) else { return nil }
            try connection.run(
                "DELETE FROM identities WHERE namespace = ?1 AND name = ?2", [.text(namespace), .text(name)])
            return identity.isExpired(at: now) ? nil : identity
        }
    }

    public func get(_ name: String, now: Timestamp) async throws(RegistryError) -> Identity? {
        let namespace = self.namespace
        return try await database.read { connection throws(RegistryError) -> Identity? in
            var found: Identity?
            try connection.query(
                "SELECT \(Self.columns) FROM identities WHERE namespace = ?1 AND \(Self.unexpired) AND name = ?3",
                [.text(namespace), .integer(now.milliseconds), .text(name)]
            ) { row throws(RegistryError) in found = Self.identity(from: row) }
            return found
        }
    }

    public func removeExpired(now: Timestamp, limit: Int) async throws(RegistryError) -> [Identity] {
        let namespace = self.namespace
        return try await database.writer.write { connection throws(RegistryError) -> [Identity] in
            var expired: [Identity] = []
            // Reads the expiry index: only what has expired is touched.
            try connection.query(
                """
                SELECT \(Self.columns) FROM identities
                WHERE namespace = ?1 AND expires_at IS NOT NULL AND expires_at <= ?2
                ORDER BY expires_at, name LIMIT ?3
                """, [.text(namespace), .integer(now.milliseconds), .integer(Int64(limit))]
            ) { row throws(RegistryError) in expired.append(Self.identity(from: row)) }
            for identity in expired {
                try connection.run(
                    "DELETE FROM identities WHERE namespace = ?1 AND name = ?2",
                    [.text(namespace), .text(identity.name)])
            }
            return expired
        }
    }

    public func count(now: Timestamp) async throws(RegistryError) -> Int {
        let namespace = self.namespace
        return try await database.read { connection throws(RegistryError) -> Int in
            var count = 0
            try connection.query(
                "SELECT count(*) FROM identities WHERE namespace = ?1 AND \(Self.unexpired)",
                [.text(namespace), .integer(now.milliseconds)]
            ) { row throws(RegistryError) in count = Int(row.integer(0)) }
            return count
        }
    }

    /// Checkpoints the database's WAL until cancelled (see ``SQLiteDatabase/runCheckpoints()``).
    public func run() async { await database.runCheckpoints() }

    public func health() async -> SlotHealth {
        let started = ContinuousClock.now
        do {
            _ = try await database.read { connection throws(RegistryError) -> Int in
                var one = 0
                try connection.query("SELECT 1") { row throws(RegistryError) in one = Int(row.integer(0)) }
                return one
            }
            let elapsed = ContinuousClock.now - started
            return SlotHealth(
                .healthy, "\(database.path), query \(elapsed.formatted(.units(allowed: [.milliseconds])))")
        } catch {
            return SlotHealth(.unhealthy, "\(database.path): \(error.detailedMessage)")
        }
    }

    /// The database is shared by namespaces; whoever opened it closes it.
    public func close() async {}
}
