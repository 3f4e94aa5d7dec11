import GRPCCore
import PrismAPI
import PrismRegistry

/// Subscribe and Watch set their stream up before the response headers go out, so a client that has
/// seen the headers knows that nothing sent from then on is missed (the CLI's "subscribed" line and
/// PrismClient's `subscribe` returning rely on it).
extension MulticastRegistryService {
    func subscribe(request: ServerRequest<Prism_Registry_V1_SubscribeRequest>, context: ServerContext) async throws
        -> StreamingServerResponse<Prism_Registry_V1_SubscribedMessage>
    {
        let subscription = try await openSubscription(request.message, context: context)
        return StreamingServerResponse { writer in
            try await forward(subscription, to: writer)
            return [:]
        }
    }

    func subscribe(
        request: Prism_Registry_V1_SubscribeRequest, response: RPCWriter<Prism_Registry_V1_SubscribedMessage>,
        context: ServerContext
    ) async throws {
        let subscription = try await openSubscription(request, context: context)
        try await forward(subscription, to: response)
    }

    func watch(request: ServerRequest<Prism_Registry_V1_WatchRequest>, context: ServerContext) async throws
        -> StreamingServerResponse<Prism_Registry_V1_Event>
    {
        let events = try await openWatch(request.message, context: context)
        return StreamingServerResponse { writer in
            try await forward(events, to: writer)
            return [:]
        }
    }

    func watch(
        request: Prism_Registry_V1_WatchRequest, response: RPCWriter<Prism_Registry_V1_Event>, context: ServerContext
    )
        async throws
    {
        let events = try await openWatch(request, context: context)
        try await forward(events, to: response)
    }

    private func openSubscription(
        _ request: Prism_Registry_V1_SubscribeRequest, context: ServerContext
    ) async throws -> MessageSubscription {
        try await observer.observe("subscribe", namespace: request.namespace, context: context) {
            runtime, log in
            let subscription = try await runtime.coordinator.subscribe(to: request.identities)
            log.logger.debug("subscribed", metadata: ["identities": "\(request.identities.count)"])
            return subscription
        }
    }

    /// Messages that want an ack are acknowledged by the Ack call.
    private func forward(_ subscription: MessageSubscription, to writer: RPCWriter<Prism_Registry_V1_SubscribedMessage>)
        async throws
    {
        defer { subscription.cancel() }
        try await streams.run {
            for await inbound in subscription {
                try await writer.write(Prism_Registry_V1_SubscribedMessage(inbound))
            }
        }
    }

    private func openWatch(_ request: Prism_Registry_V1_WatchRequest, context: ServerContext)
        async throws -> AsyncThrowingStream<RegistryEvent, any Error>
    {
        try await observer.observe("watch", namespace: request.namespace, context: context) {
            runtime, _ in
            try runtime.coordinator.watch(
                filter: request.filter, after: request.startRevision == 0 ? nil : request.startRevision)
        }
    }

    /// A watcher that cannot keep up is ended with RESOURCE_EXHAUSTED.
    private func forward(
        _ events: AsyncThrowingStream<RegistryEvent, any Error>, to writer: RPCWriter<Prism_Registry_V1_Event>
    )
        async throws
    {
        try await streams.run {
            try await ErrorMapping.mapping {
                for try await event in events {
                    try await writer.write(Prism_Registry_V1_Event(event))
                }
            }
        }
    }
}
