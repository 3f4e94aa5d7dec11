import Dispatch
import PrismRegistry

/// Runs blocking SQLite calls for one connection on a serial dispatch queue: never on Swift's
/// cooperative thread pool, whose few threads must not block on disk I/O.
final class SQLiteExecutor: Sendable {
    let connection: SQLiteConnection
    private let queue: DispatchQueue

    init(connection: SQLiteConnection, label: String) {
        self.connection = connection
        queue = DispatchQueue(label: label)
    }

    /// Runs `body` with the connection on this executor's queue.
    func run<Result: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(RegistryError) -> Result)
        async throws(RegistryError) -> Result
    {
        let outcome: Swift.Result<Result, RegistryError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(
                    returning: Swift.Result { () throws(RegistryError) -> Result in try body(self.connection) })
            }
        }
        return try outcome.get()
    }

    /// Runs `body` on the queue without waiting (the group-commit writer schedules its flushes so).
    func schedule(_ body: @escaping @Sendable (SQLiteConnection) -> Void) {
        queue.async { body(self.connection) }
    }
}
