import GRPCCore
import GRPCNIOTransportHTTP2
import PrismAPI
import PrismFilter
import SwiftProtobuf
import Synchronization

/// A connection to one prismd and one namespace: what the CLI, prism-top and the simulator use.
///
/// ```
/// let client = try PrismClient(server: "127.0.0.1:8980", namespace: "iot")
/// defer { client.close() }
/// try await client.register("sensor-1", metadata: ["type": "sensor", "floor": 1], ttl: .seconds(30))
/// let report = try await client.multicast(MulticastOptions(filter: #"type == "sensor""#, payload: Array("read".utf8)))
/// ```
/// Every method throws ``PrismClientError``.
public final class PrismClient: Sendable {
    public static let defaultServer = "127.0.0.1:8980"

    public let server: String
    public let namespace: String
    /// Deadline of unary calls (multicast adds its ack timeout).
    public let callTimeout: Duration
    let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    let registry: Prism_Registry_V1_MulticastRegistry.Client<HTTP2ClientTransport.Posix>
    let admin: Prism_Registry_V1_Admin.Client<HTTP2ClientTransport.Posix>
    private let connections: Task<Void, Never>
    let openStreams = Mutex<[UInt64: Task<Void, Never>]>([:])
    let streamSequence = Atomic<UInt64>(0)

    /// Starts connecting in the background; calls fail fast (UNAVAILABLE → ``PrismClientError/unreachable``)
    /// while the server cannot be reached rather than waiting for it.
    public init(server: String = defaultServer, namespace: String = "default", callTimeout: Duration = .seconds(10))
        throws(PrismClientError)
    {
        guard let address = HostAndPort(server), address.port != 0 else {
            throw .invalidRequest("server address '\(server)' is not HOST:PORT (e.g. 127.0.0.1:8980)")
        }
        let target: any ResolvableTarget =
            address.host.contains(":")
            ? .ipv6(address: address.host, port: address.port) : .dns(host: address.host, port: address.port)
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(target: target, transportSecurity: .plaintext)
        } catch {
            throw .invalidRequest("cannot use server address '\(server)': \(error)")
        }
        let grpc = GRPCClient(transport: transport)
        self.server = server
        self.namespace = namespace
        self.callTimeout = callTimeout
        self.grpc = grpc
        registry = Prism_Registry_V1_MulticastRegistry.Client(wrapping: grpc)
        admin = Prism_Registry_V1_Admin.Client(wrapping: grpc)
        connections = Task { try? await grpc.runConnections() }
    }

    /// Ends open Subscribe and Watch streams, then closes the connection once the unary calls in
    /// flight are done.
    public func close() async {
        let streams = openStreams.withLock { streams in
            defer { streams = [:] }
            return Array(streams.values)
        }
        for stream in streams { stream.cancel() }
        grpc.beginGracefulShutdown()
        await connections.value
    }

    /// Runs `body` with a client and closes it afterwards, whatever happens.
    public static func with<Result: Sendable>(
        server: String = defaultServer, namespace: String = "default",
        _ body: (PrismClient) async throws -> Result
    ) async throws -> Result {
        let client = try PrismClient(server: server, namespace: namespace)
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }

    var unaryOptions: CallOptions {
        var options = CallOptions.defaults
        options.timeout = callTimeout
        return options
    }

    /// Runs a call, turning whatever it throws into a ``PrismClientError``.
    func call<Result: Sendable>(_ body: () async throws -> Result) async throws(PrismClientError) -> Result {
        do {
            return try await body()
        } catch {
            throw PrismClientError.from(error, server: server)
        }
    }
}
