import GRPCCore
import GRPCNIOTransportHTTP2
import PrismAPI
import PrismDurations
import Synchronization

extension PrismClient {
    /// Runs `body` with the messages addressed to these identities. `body` starts once prismd has set up
    /// the subscription, so nothing multicast after that is missed; the call ends when `body` returns.
    /// The messages end when the server ends the stream, and throw ``PrismClientError`` when it breaks.
    public func subscribe<Result: Sendable>(
        _ identities: [String],
        _ body: @escaping @Sendable (PrismStream<Prism_Registry_V1_SubscribedMessage>) async throws -> Result
    ) async throws -> Result {
        var request = Prism_Registry_V1_SubscribeRequest()
        request.namespace = namespace
        request.identities = identities
        return try await withStream(body) { [registry, request] handle in
            try await registry.subscribe(request) { response in try await handle(response) }
        }
    }

    /// Runs `body` with the namespace's events as they happen (after `startRevision`, when given and
    /// still in memory). `body` starts once the watch is set up; the call ends when `body` returns.
    public func watch<Result: Sendable>(
        filter: String? = nil, startRevision: UInt64? = nil,
        _ body: @escaping @Sendable (PrismStream<Prism_Registry_V1_Event>) async throws -> Result
    ) async throws -> Result {
        var request = Prism_Registry_V1_WatchRequest()
        request.namespace = namespace
        request.filter = filter ?? ""
        request.startRevision = startRevision ?? 0
        return try await withStream(body) { [registry, request] handle in
            try await registry.watch(request) { response in try await handle(response) }
        }
    }

    /// Errors of the call become ``PrismClientError``s; errors `body` throws come out as they were. With a
    /// ``callTimeout``, a stream not set up within it fails as unreachable (a stream has no deadline of
    /// its own: it lasts as long as `body`).
    private func withStream<Message: Sendable, Result: Sendable>(
        _ body: @escaping @Sendable (PrismStream<Message>) async throws -> Result,
        call:
            @escaping @Sendable (@escaping @Sendable (StreamingClientResponse<Message>) async throws -> Result)
            async throws
            -> Result
    ) async throws -> Result {
        let server = self.server
        let opened = OpenedFlag()
        let handle: @Sendable (StreamingClientResponse<Message>) async throws -> Result = { response in
            // Reading the headers throws when the server refused the call; prismd sends them only once
            // the stream is set up.
            _ = try response.accepted.get()
            opened.value.store(true, ordering: .releasing)
            do {
                return try await body(PrismStream(response.messages, server: server))
            } catch {
                throw BodyError(error: error)
            }
        }
        do {
            guard let setupTimeout = callTimeout else { return try await call(handle) }
            return try await withThrowingTaskGroup(of: Result?.self) { group in
                group.addTask { try await call(handle) }
                group.addTask {
                    try await Task.sleep(for: setupTimeout)
                    guard opened.value.load(ordering: .acquiring) else {
                        throw PrismClientError.unreachable(
                            server: server, detail: "no answer within \(setupTimeout.written)")
                    }
                    return nil
                }
                defer { group.cancelAll() }
                while let outcome = try await group.next() {
                    if let result = outcome { return result }
                }
                throw PrismClientError.unreachable(server: server, detail: "the stream ended before it was set up")
            }
        } catch let error as BodyError {
            throw error.error
        } catch {
            throw PrismClientError.from(error, server: server)
        }
    }
}

/// Whether a stream's response headers have arrived, shared by the call and the setup timer.
private final class OpenedFlag: Sendable {
    let value = Atomic<Bool>(false)
}

/// Carries an error of a stream's body past the mapping of the call's own errors.
private struct BodyError: Error {
    var error: any Error
}

/// The messages of a Subscribe or Watch stream; a broken stream throws ``PrismClientError``.
public struct PrismStream<Element: Sendable>: AsyncSequence, Sendable {
    private let messages: RPCAsyncSequence<Element, any Error>
    private let server: String

    init(_ messages: RPCAsyncSequence<Element, any Error>, server: String) {
        self.messages = messages
        self.server = server
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: messages.makeAsyncIterator(), server: server)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var base: RPCAsyncSequence<Element, any Error>.AsyncIterator
        let server: String

        public mutating func next() async throws -> Element? {
            do {
                return try await base.next()
            } catch {
                throw PrismClientError.from(error, server: server)
            }
        }
    }
}
