import PrismClient
import PrismFilter

/// The registry calls a device makes, whichever way they travel: unary calls, or its group's Session stream.
public protocol RegistryLink: Sendable {
    func register(_ identity: String, metadata: JSONObject, ttl: Duration) async throws(PrismClientError)
    func heartbeat(_ renewal: HeartbeatRenewal) async throws(PrismClientError)
    func unregister(_ identity: String) async throws(PrismClientError)
}

/// Registry calls as unary gRPC calls; heartbeats of the devices sharing a connection leave in
/// HeartbeatBatch calls.
final class UnaryRegistryLink: RegistryLink {
    private let client: PrismClient
    private let heartbeats: CallBatcher<HeartbeatRenewal>

    init(client: PrismClient) {
        self.client = client
        // Nobody waits for a heartbeat, and a TTL is seconds long: 50 ms of lingering costs nothing.
        heartbeats = CallBatcher(linger: .milliseconds(50)) { renewals throws(PrismClientError) in
            try await client.heartbeat(renewals)
        }
    }

    func register(_ identity: String, metadata: JSONObject, ttl: Duration) async throws(PrismClientError) {
        try await client.register(identity, metadata: metadata, ttl: ttl, replace: true)
    }

    func heartbeat(_ renewal: HeartbeatRenewal) async throws(PrismClientError) {
        try await heartbeats.submit(renewal)
    }

    func unregister(_ identity: String) async throws(PrismClientError) {
        _ = try await client.unregister(identity)
    }
}
