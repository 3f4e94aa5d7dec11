import Foundation
import PrismRegistry
import Synchronization

/// The Prism database file: one per data directory, holding every namespace's identities.
///
/// One writer connection commits in groups (``SQLiteWriter``); reader connections serve queries in
/// parallel, which WAL mode allows while writes go on.
///
/// ```
/// let database = try SQLiteDatabase(directory: ".prism")
/// let registry = SQLiteRegistry(database: database, namespace: "iot")
/// ```
public final class SQLiteDatabase: Sendable {
    /// The schema this build reads and writes.
    public static let schemaVersion = 1
    public static let fileName = "prism.sqlite3"

    public let path: String
    let writer: SQLiteWriter
    private let writerExecutor: SQLiteExecutor
    private let readers: [SQLiteExecutor]
    private let checkpointer: SQLiteExecutor
    private let nextReader = Atomic<Int>(0)

    /// Opens (or creates) `directory/prism.sqlite3`, creating the directory when missing.
    /// - Throws: DATA_LOSS when the file is not a Prism database or is corrupt; UNAVAILABLE when it
    ///   cannot be created or opened or was written by a newer schema. The file's path is in the cause.
    public init(directory: String, readers readerCount: Int = 2) throws(RegistryError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RegistryError(
                .unavailable, "cannot create the data directory",
                cause: BackendDetail("\(directory): \(error.localizedDescription)"))
        }
        path = (directory as NSString).appendingPathComponent(Self.fileName)
        let writerConnection = try SQLiteConnection(path: path, readOnly: false)
        try Self.prepare(writerConnection)
        writerExecutor = SQLiteExecutor(connection: writerConnection, label: "prism.sqlite.writer")
        writer = SQLiteWriter(executor: writerExecutor)
        var readers: [SQLiteExecutor] = []
        for index in 0..<max(1, readerCount) {
            let connection = try SQLiteConnection(path: path, readOnly: true)
            try connection.execute("PRAGMA query_only = ON")
            try connection.execute("PRAGMA cache_size = -32768")
            try connection.execute("PRAGMA mmap_size = 1073741824")
            readers.append(SQLiteExecutor(connection: connection, label: "prism.sqlite.reader.\(index)"))
        }
        self.readers = readers
        let checkpointConnection = try SQLiteConnection(path: path, readOnly: false)
        checkpointer = SQLiteExecutor(connection: checkpointConnection, label: "prism.sqlite.checkpoint")
    }

    /// Copies the WAL back into the database once a second without blocking writers (PASSIVE), which
    /// keeps the WAL from growing while commits stay fast, until the calling task is cancelled. The
    /// registry's ``SQLiteRegistry/run()`` calls it, driven by the namespace's service; without it the
    /// WAL only shrinks at ``close()``.
    public func runCheckpoints() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            _ = try? await checkpointer.run { connection throws(RegistryError) in
                try connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            }
        }
    }

    /// Sets the journal mode and checks or creates the schema.
    private static func prepare(_ connection: SQLiteConnection) throws(RegistryError) {
        // A file that is not a database fails here, before anything is written to it.
        var version = 0
        try connection.query("PRAGMA user_version") { row throws(RegistryError) in version = Int(row.integer(0)) }
        if version > schemaVersion {
            throw RegistryError(
                .unavailable,
                "the SQLite database has schema version \(version), newer than this prismd understands "
                    + "(\(schemaVersion)); use a newer prismd or another data directory",
                cause: BackendDetail(connection.path))
        }
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA synchronous = NORMAL")
        // Registrations land on random B-tree pages; with SQLite's 2 MB default cache most inserts into a
        // large table missed the cache (measured: 18k inserts/s even 1,000 per transaction). 64 MiB fits
        // the hot pages of a few million identities.
        try connection.execute("PRAGMA cache_size = -65536")
        // Checkpoints run on their own connection (``checkpointer``) so commits never wait for one.
        try connection.execute("PRAGMA wal_autocheckpoint = 0")
        var integrity = ""
        try connection.query("PRAGMA quick_check") { row throws(RegistryError) in
            if integrity.isEmpty { integrity = row.text(0) }
        }
        guard integrity == "ok" else {
            throw RegistryError(
                .dataLoss, "the SQLite database is corrupt; restore it or use another data directory",
                cause: BackendDetail("\(connection.path): quick_check: \(integrity)"))
        }
        if version == 0 {
            try connection.execute(
                """
                BEGIN;
                CREATE TABLE IF NOT EXISTS identities (
                    namespace TEXT NOT NULL,
                    name TEXT NOT NULL,
                    metadata TEXT NOT NULL,
                    registered_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    PRIMARY KEY (namespace, name)
                ) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS identities_by_expiry
                    ON identities (namespace, expires_at) WHERE expires_at IS NOT NULL;
                PRAGMA user_version = \(schemaVersion);
                COMMIT;
                """)
        }
    }

    /// Runs a read on the next reader connection.
    func read<Result: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(RegistryError) -> Result)
        async throws(RegistryError) -> Result
    {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue % readers.count
        return try await readers[index].run(body)
    }

    /// Closes every connection.
    public func close() async {
        _ = try? await checkpointer.run { connection throws(RegistryError) in
            try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        for executor in readers + [writerExecutor, checkpointer] {
            _ = try? await executor.run { connection in connection.close() }
        }
    }
}
