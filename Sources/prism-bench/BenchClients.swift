import PrismClient
import Synchronization

/// Several clients of one prismd, each on its own connection, running for the length of a scope.
enum BenchClients {
    static func with<Result: Sendable>(
        count: Int, server: String, callTimeout: Duration? = nil, _ body: ([PrismClient]) async throws -> Result
    ) async throws -> Result {
        let clients = try (0..<count).map { _ in try PrismClient(server: server, callTimeout: callTimeout) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for client in clients { group.addTask { try await client.run() } }
            do {
                let result = try await body(clients)
                for client in clients { client.close() }
                try await group.waitForAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}

/// Holds tasks until `parties` of them have arrived, so that a timed phase starts for all at once.
final class StartGate: Sendable {
    private struct State {
        var arrived = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
        var openedAt: UInt64 = 0
    }

    private let parties: Int
    private let state = Mutex(State())

    init(parties: Int) {
        self.parties = parties
    }

    /// When the last party arrived (a ``Stopwatch`` reading), or 0 before.
    var openedAt: UInt64 { state.withLock { $0.openedAt } }

    func arrive() async {
        await withCheckedContinuation { continuation in
            let released = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.arrived += 1
                state.waiting.append(continuation)
                guard state.arrived >= parties else { return [] }
                state.openedAt = Stopwatch.now()
                defer { state.waiting = [] }
                return state.waiting
            }
            for waiting in released { waiting.resume() }
        }
    }
}
