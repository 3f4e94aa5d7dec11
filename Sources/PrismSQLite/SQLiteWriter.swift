import PrismRegistry
import Synchronization

/// Group commit: writes that arrive while a transaction is being committed are gathered and committed
/// together in the next one. A caller's write returns only after the transaction holding it has
/// committed, so a write a caller saw succeed survives a crash of the process (WAL, synchronous=NORMAL).
///
/// A write's body must refuse (ALREADY_EXISTS, NOT_FOUND, ...) before it changes anything: it then
/// fails alone and the others in its group still commit. A failure while changing (a SQLite error)
/// fails the whole group, none of which was acknowledged. (SAVEPOINTs per write would lift that rule
/// but cost two more statements per write on the single writer thread, which limits write throughput.)
final class SQLiteWriter: Sendable {
    private let executor: SQLiteExecutor
    private struct State {
        var pending: [any PendingWrite] = []
        var flushScheduled = false
    }
    private let state = Mutex(State())

    /// The most writes committed in one transaction; more wait for the next.
    static let maxGroupSize = 4096

    init(executor: SQLiteExecutor) { self.executor = executor }

    /// Runs `body` in the next group transaction and returns its result once that transaction committed.
    func write<Result: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(RegistryError) -> Result)
        async throws(RegistryError) -> Result
    {
        let outcome: Swift.Result<Result, RegistryError> = await withCheckedContinuation { continuation in
            let write = TypedWrite(body: body, continuation: continuation)
            let schedule = state.withLock { state -> Bool in
                state.pending.append(write)
                if state.flushScheduled { return false }
                state.flushScheduled = true
                return true
            }
            if schedule { executor.schedule { [self] connection in flush(connection) } }
        }
        return try outcome.get()
    }

    /// Commits everything pending, group by group, until nothing is left.
    private func flush(_ connection: SQLiteConnection) {
        while true {
            let group: [any PendingWrite] = state.withLock { state in
                let taken = Array(state.pending.prefix(Self.maxGroupSize))
                state.pending.removeFirst(taken.count)
                if taken.isEmpty { state.flushScheduled = false }
                return taken
            }
            if group.isEmpty { return }
            var commitError: RegistryError?
            do {
                try connection.run("BEGIN IMMEDIATE")
                for write in group { try write.execute(on: connection) }
                try connection.run("COMMIT")
            } catch {
                commitError = error
                try? connection.run("ROLLBACK")
            }
            for write in group { write.complete(commitError: commitError) }
        }
    }
}

protocol PendingWrite: Sendable {
    func execute(on connection: SQLiteConnection) throws(RegistryError)
    func complete(commitError: RegistryError?)
}

/// One write and its caller's continuation. Its mutable result is touched only on the writer's queue
/// (execute, then complete), one after the other: that is why `@unchecked Sendable` is sound.
private final class TypedWrite<Result: Sendable>: PendingWrite, @unchecked Sendable {
    let body: @Sendable (SQLiteConnection) throws(RegistryError) -> Result
    let continuation: CheckedContinuation<Swift.Result<Result, RegistryError>, Never>
    var outcome: Swift.Result<Result, RegistryError>?

    init(
        body: @escaping @Sendable (SQLiteConnection) throws(RegistryError) -> Result,
        continuation: CheckedContinuation<Swift.Result<Result, RegistryError>, Never>
    ) {
        self.body = body
        self.continuation = continuation
    }

    func execute(on connection: SQLiteConnection) throws(RegistryError) {
        do {
            outcome = .success(try body(connection))
        } catch  where [.unavailable, .internal, .dataLoss].contains(error.code) {
            // A SQLite failure while changing the database: the group's transaction cannot commit.
            throw error
        } catch {
            outcome = .failure(error)
        }
    }

    func complete(commitError: RegistryError?) {
        if let commitError {
            continuation.resume(returning: .failure(commitError))
        } else {
            continuation.resume(
                returning: outcome ?? .failure(RegistryError(.internal, "the SQLite writer skipped a write")))
        }
    }
}
