import GRPCCore
import PrismAPI

extension MulticastRegistryService {
    func session(
        request: RPCAsyncSequence<Prism_Registry_V1_SessionRequest, any Error>,
        response: RPCWriter<Prism_Registry_V1_SessionEvent>, context: ServerContext
    ) async throws {
        let session = DeviceSession(observer: observer)
        // Tracked like Subscribe and Watch, so that a graceful shutdown ends sessions instead of waiting.
        try await streams.run {
            try await session.run(requests: request, writer: response)
        }
    }
}
