import Synchronization

/// Server streams (Subscribe, Watch) never end by themselves, but a graceful shutdown waits for every
/// call to finish. The tracker runs each stream's loop in a task it can cancel, so shutdown can end
/// them all first and let unary calls in flight complete.
final class StreamTracker: Sendable {
    private struct State {
        var tasks: [UInt64: Task<Void, any Error>] = [:]
        var nextID: UInt64 = 0
        var closed = false
    }

    private let state = Mutex(State())

    /// Runs `body` until it returns, the caller is cancelled, or ``closeAll()`` — which ends the call
    /// with UNAVAILABLE, so that the client knows the server went away rather than the stream ending.
    func run(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let task = Task { try await body() }
        let id: UInt64? = state.withLock { state in
            guard !state.closed else { return nil }
            defer { state.nextID += 1 }
            state.tasks[state.nextID] = task
            return state.nextID
        }
        guard let id else {
            task.cancel()
            _ = await task.result
            throw Self.shuttingDown
        }
        defer { _ = state.withLock { $0.tasks.removeValue(forKey: id) } }
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
        if state.withLock({ $0.closed }) { throw Self.shuttingDown }
    }

    static let shuttingDown = ErrorMapping.rpcError(.unavailable, "prismd is shutting down")

    /// Ends every stream, and any started later.
    func closeAll() {
        let tasks = state.withLock { state in
            state.closed = true
            return Array(state.tasks.values)
        }
        for task in tasks { task.cancel() }
    }
}
