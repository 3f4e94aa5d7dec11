import GRPCCore
import PrismAPI

/// gRPC's standard health service (grpc.health.v1.Health), which Kubernetes gRPC probes,
/// grpc_health_probe, Envoy and most load balancers ask. ``ServingStatusBoard`` says what each name means.
struct HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
    let board: ServingStatusBoard
    /// How often a Watch looks again; a change is sent at most this late, except shutdown, which is sent at once.
    let watchInterval: Duration

    func check(request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext) async throws
        -> Grpc_Health_V1_HealthCheckResponse
    {
        guard let status = await board.status(of: request.service) else {
            throw RPCError(code: .notFound, message: unknownService(request.service))
        }
        return .with { $0.status = status }
    }

    func list(request: Grpc_Health_V1_HealthListRequest, context: ServerContext) async throws
        -> Grpc_Health_V1_HealthListResponse
    {
        var response = Grpc_Health_V1_HealthListResponse()
        for (name, status) in await board.statuses() {
            response.statuses[name] = .with { $0.status = status }
        }
        return response
    }

    /// Sends the status now and after each change. A name prismd does not know is SERVICE_UNKNOWN, not an
    /// error, as the protocol asks, so that a client may watch a service before it exists. When prismd
    /// begins to stop, the last message is NOT_SERVING and the stream ends with UNAVAILABLE.
    func watch(
        request: Grpc_Health_V1_HealthCheckRequest, response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        var sent: Grpc_Health_V1_HealthCheckResponse.ServingStatus?
        while !Task.isCancelled {
            let status = await board.status(of: request.service) ?? .serviceUnknown
            if status != sent {
                try await response.write(.with { $0.status = status })
                sent = status
            }
            if board.stopping.isClosed { throw StreamTracker.shuttingDown }
            await board.stopping.waitForClose(atMost: watchInterval)
        }
    }

    private func unknownService(_ name: String) -> String {
        "no service '\(name)'; prismd reports on " + board.serviceNames.map { "'\($0)'" }.joined(separator: ", ")
    }
}
