import CSQLite
import PrismRegistry

/// One SQLite connection. Not thread-safe by itself: each connection is used only from its own serial
/// queue (``SQLiteExecutor``), which is what makes the `@unchecked Sendable` below sound.
final class SQLiteConnection: @unchecked Sendable {
    let path: String
    private var handle: OpaquePointer?
    /// Prepared statements by SQL text, reused across calls.
    private var statements: [String: OpaquePointer] = [:]

    init(path: String, readOnly: Bool) throws(RegistryError) {
        self.path = path
        var handle: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close(handle)
            throw SQLiteFailure(resultCode: status, message: message, path: path, sql: nil).registryError
        }
        self.handle = handle
        sqlite3_busy_timeout(handle, 5000)
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit { close() }

    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements = [:]
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs SQL without results (schema, pragmas, transactions).
    func execute(_ sql: String) throws(RegistryError) {
        guard let handle else { throw closedError() }
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        if status != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_free(message)
            throw error(status, text, sql: sql)
        }
    }

    /// Runs a statement with bound parameters and calls `row` for each result row.
    func query(_ sql: String, _ parameters: [SQLiteValue] = [], row: (SQLiteRow) throws(RegistryError) -> Void)
        throws(RegistryError)
    {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try bind(parameters, to: statement, sql: sql)
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else {
                throw error(status, String(cString: sqlite3_errmsg(handle)), sql: sql)
            }
            try row(SQLiteRow(statement: statement))
        }
    }

    /// Runs a statement that returns no rows.
    func run(_ sql: String, _ parameters: [SQLiteValue] = []) throws(RegistryError) {
        try query(sql, parameters) { _ throws(RegistryError) in }
    }

    /// The number of rows the last INSERT, UPDATE or DELETE changed.
    var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }

    private func prepared(_ sql: String) throws(RegistryError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        guard let handle else { throw closedError() }
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw error(status, String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
        // Filter queries vary with each filter; keep the cache bounded.
        if statements.count > 256 {
            for old in statements.values { sqlite3_finalize(old) }
            statements = [:]
        }
        statements[sql] = statement
        return statement
    }

    private func bind(_ parameters: [SQLiteValue], to statement: OpaquePointer, sql: String) throws(RegistryError) {
        for (offset, parameter) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch parameter {
            case .null: status = sqlite3_bind_null(statement, index)
            case .integer(let value): status = sqlite3_bind_int64(statement, index, value)
            case .real(let value): status = sqlite3_bind_double(statement, index, value)
            case .text(let value):
                // withUTF8 lends the string's own bytes (no copy for native strings); SQLite copies them.
                var text = value
                status = text.withUTF8 { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { chars in
                        guard let base = chars.baseAddress else {
                            return "".withCString { prism_sqlite3_bind_text_transient(statement, index, $0, 0) }
                        }
                        return prism_sqlite3_bind_text_transient(statement, index, base, Int32(chars.count))
                    }
                }
            }
            guard status == SQLITE_OK else {
                throw error(status, String(cString: sqlite3_errmsg(handle)), sql: sql)
            }
        }
    }

    private func closedError() -> RegistryError {
        RegistryError(.unavailable, "the SQLite database is closed (the namespace is stopping)")
    }

    private func error(_ status: Int32, _ message: String, sql: String) -> RegistryError {
        SQLiteFailure(resultCode: status, message: message, path: path, sql: sql).registryError
    }
}

/// A result row; valid only inside the callback that received it.
struct SQLiteRow {
    let statement: OpaquePointer

    func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    func optionalInteger(_ column: Int32) -> Int64? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
    }

    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
}

/// A value bound to a statement parameter.
enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}
