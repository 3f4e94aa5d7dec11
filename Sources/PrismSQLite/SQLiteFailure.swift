import CSQLite
import PrismRegistry

/// SQLite's own account of a failure, kept whole as a ``RegistryError``'s cause: the result code
/// (extended), SQLite's message, the file and the statement. It goes to prismd's log; clients get the
/// registry error's message, which names neither the file nor the SQL.
public struct SQLiteFailure: Error, Sendable, CustomStringConvertible {
    /// The extended result code (`SQLITE_IOERR_WRITE`, say); `resultCode & 0xFF` is the primary one.
    public let resultCode: Int32
    public let message: String
    public let path: String
    public let sql: String?

    public var description: String {
        let statement = sql.map { "; in: \($0.prefix(120))" } ?? ""
        return "SQLite \(path): result code \(resultCode) (\(String(cString: sqlite3_errstr(resultCode)))): "
            + "\(message)\(statement)"
    }

    /// The registry error a client sees: corrupt files are DATA_LOSS (retrying cannot help), the
    /// conditions an operator or time can clear are UNAVAILABLE, and the rest (a misused API, a
    /// constraint Prism's own SQL broke) are INTERNAL.
    var registryError: RegistryError {
        switch resultCode & 0xFF {
        case SQLITE_NOTADB, SQLITE_CORRUPT:
            RegistryError(
                .dataLoss,
                "the SQLite database is corrupt or not a Prism database; restore it or use another data directory",
                cause: self)
        case SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM:
            RegistryError(
                .unavailable, "the SQLite database cannot be written; check the data directory's permissions",
                cause: self)
        case SQLITE_FULL: RegistryError(.unavailable, "the SQLite database's disk is full", cause: self)
        case SQLITE_BUSY, SQLITE_LOCKED:
            RegistryError(.unavailable, "the SQLite database is held by another process", cause: self)
        case SQLITE_IOERR, SQLITE_NOMEM, SQLITE_PROTOCOL:
            RegistryError(.unavailable, "the SQLite database failed to read or write; retry later", cause: self)
        default: RegistryError(.internal, "the SQLite registry failed unexpectedly", cause: self)
        }
    }
}
