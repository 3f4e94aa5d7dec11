import GRPCCore
import GRPCNIOTransportHTTP2
import PrismAPI

extension PrismClient {
    /// The messages addressed to these identities. Returns once prismd has set up the subscription, so
    /// nothing multicast after this returns is missed. The stream ends when the server ends it, and
    /// the call ends when the stream's consumer stops iterating.
    public func subscribe(_ identities: [String]) async throws(PrismClientError)
        -> AsyncThrowingStream<Prism_Registry_V1_SubscribedMessage, any Error>
    {
        var request = Prism_Registry_V1_SubscribeRequest()
        request.namespace = namespace
        request.identities = identities
        return try await openStream { [request] registry, onOpen in
            try await registry.subscribe(request) { response in try await onOpen(response) }
        }
    }

    /// The namespace's events as they happen (after `startRevision`, when given and still in memory).
    /// Returns once the watch is set up.
    public func watch(filter: String? = nil, startRevision: UInt64? = nil) async throws(PrismClientError)
        -> AsyncThrowingStream<Prism_Registry_V1_Event, any Error>
    {
        var request = Prism_Registry_V1_WatchRequest()
        request.namespace = namespace
        request.filter = filter ?? ""
        request.startRevision = startRevision ?? 0
        return try await openStream { [request] registry, onOpen in
            try await registry.watch(request) { response in try await onOpen(response) }
        }
    }

    /// Runs a server-streaming call in a task of its own and returns its messages as a stream once the
    /// server has sent its response headers (which prismd does only after the stream is set up).
    private func openStream<Message: Sendable>(
        _ start:
            @escaping @Sendable (
                Prism_Registry_V1_MulticastRegistry.Client<GRPCNIOTransportHTTP2.HTTP2ClientTransport.Posix>,
                @escaping @Sendable (StreamingClientResponse<Message>) async throws -> Void
            ) async throws -> Void
    ) async throws(PrismClientError) -> AsyncThrowingStream<Message, any Error> {
        let (stream, continuation) = AsyncThrowingStream<Message, any Error>.makeStream()
        let (opened, openedContinuation) = AsyncStream<Result<Void, PrismClientError>>.makeStream()
        let server = self.server
        let registry = self.registry
        let streamID = streamSequence.add(1, ordering: .relaxed).newValue
        let task = Task { [weak self] in
            defer { _ = self?.openStreams.withLock { $0.removeValue(forKey: streamID) } }
            do {
                try await start(registry) { response in
                    // Reading the headers throws when the server refused the call.
                    _ = try response.accepted.get()
                    openedContinuation.yield(.success(()))
                    for try await message in response.messages { continuation.yield(message) }
                }
                openedContinuation.yield(
                    .failure(.rejected(code: .unavailable, message: "the server ended the stream")))
                continuation.finish()
            } catch {
                let clientError = PrismClientError.from(error, server: server)
                openedContinuation.yield(.failure(clientError))
                continuation.finish(throwing: clientError)
            }
            openedContinuation.finish()
        }
        openStreams.withLock { $0[streamID] = task }
        continuation.onTermination = { _ in task.cancel() }
        var outcome: Result<Void, PrismClientError> = .failure(.unreachable(server: server, detail: "cancelled"))
        for await first in opened {
            outcome = first
            break
        }
        switch outcome {
        case .success: return stream
        case .failure(let error):
            task.cancel()
            throw error
        }
    }
}
