import Synchronization

/// Server streams (Subscribe, Watch, Session) never end by themselves, but a graceful shutdown waits
/// for every call to finish. Each stream's loop runs in a task group beside a wait for ``closeAll()``:
/// whichever ends first cancels the other, so shutdown can end every stream first and let unary calls
/// in flight complete, and no task outlives its call.
final class StreamTracker: Sendable {
    private struct State {
        var closed = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Runs `body` until it returns, the caller is cancelled, or ``closeAll()`` — which ends the call
    /// with UNAVAILABLE, so that the client knows the server went away rather than the stream ending.
    func run(_ body: @escaping @Sendable () async throws -> Void) async throws {
        guard !state.withLock({ $0.closed }) else { throw Self.shuttingDown }
        let closedFirst = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return false
            }
            group.addTask {
                await self.waitForClose()
                // Woken by closeAll(), or by the call's cancellation (then the body ends too).
                return self.state.withLock { $0.closed }
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
        if closedFirst || state.withLock({ $0.closed }) { throw Self.shuttingDown }
    }

    static let shuttingDown = ErrorMapping.rpcError(.unavailable, "prismd is shutting down")

    /// Ends every stream, and any started later.
    func closeAll() {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Whether ``closeAll()`` has been called: prismd is stopping.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Returns after `duration`, or sooner once ``closeAll()`` is called or the calling task is cancelled.
    func waitForClose(atMost duration: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForClose() }
            group.addTask { try? await Task.sleep(for: duration) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns once ``closeAll()`` is called, or when the calling task is cancelled.
    private func waitForClose() async {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.closed || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
