import GRPCCore
import GRPCNIOTransportHTTP2
import PrismAPI
import PrismFilter
import SwiftProtobuf
import Synchronization

/// A connection to one prismd and one namespace: what the CLI, prism-top and the simulator use.
///
/// ```
/// try await PrismClient.with(server: "127.0.0.1:8980", namespace: "iot") { client in
///     try await client.register("sensor-1", metadata: ["type": "sensor", "floor": 1], ttl: .seconds(30))
///     let report = try await client.multicast(
///         MulticastOptions(filter: #"type == "sensor""#, payload: Array("read".utf8)))
/// }
/// ```
/// Like grpc-swift's own client, the connection is maintained by ``run()``, which the caller runs in a
/// task it owns (``with(server:namespace:callTimeout:keepalive:keepaliveTimeout:tls:_:)`` does both) until ``close()``; calls made
/// before it starts wait for it. Every method throws ``PrismClientError``.
public final class PrismClient: Sendable {
    public static let defaultServer = "127.0.0.1:8980"

    public let server: String
    public let namespace: String
    /// Deadline of unary calls (multicast adds its ack timeout). nil, the default as in every gRPC
    /// client, sets none: the deadline costs a timer per call on both sides (a quarter of the rate of
    /// a busy client), and a server that stops answering is still found by the connection's keepalive.
    public let callTimeout: Duration?
    /// nil: plain text.
    public let tls: ClientTLS?
    /// How long ``with(server:namespace:callTimeout:keepalive:keepaliveTimeout:tls:_:)`` waits for the connection to close.
    public let closeGrace: Duration
    let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    let registry: Prism_Registry_V1_MulticastRegistry.Client<HTTP2ClientTransport.Posix>
    let admin: Prism_Registry_V1_Admin.Client<HTTP2ClientTransport.Posix>

    /// Calls fail fast (UNAVAILABLE → ``PrismClientError/unreachable``) while the server cannot be
    /// reached rather than waiting for it.
    ///
    /// The connection is pinged every `keepalive`; a ping unanswered for `keepaliveTimeout` closes it,
    /// and its calls and streams fail as unreachable. So a server that hangs, or a network that drops
    /// everything, costs a call at most about the sum of the two. Pings go between calls too: with
    /// grpc-swift-nio-transport 2.9.2 a client that pings only during calls stops pinging for good
    /// once its connection has been idle. prismd accepts a ping every 5 s or less often.
    ///
    /// `tls` nil speaks plain text; set, TLS (mutual TLS with a client certificate).
    public init(
        server: String = defaultServer, namespace: String = "default", callTimeout: Duration? = nil,
        keepalive: Duration = .seconds(10), keepaliveTimeout: Duration = .seconds(5), tls: ClientTLS? = nil
    ) throws(PrismClientError) {
        guard let address = HostAndPort(server), address.port != 0 else {
            let scheme = server.range(of: "://").map { "; leave out '\(server[..<$0.upperBound])'" } ?? ""
            throw .invalidRequest("server address '\(server)' is not HOST:PORT (e.g. 127.0.0.1:8980)\(scheme)")
        }
        // An address, not a name, for IP literals: TLS may not send an IP address as SNI, and then checks
        // the certificate against the address connected to.
        let target: any ResolvableTarget =
            if address.host.contains(":") {
                .ipv6(address: address.host, port: address.port)
            } else if address.ipv4Address != nil {
                .ipv4(address: address.host, port: address.port)
            } else {
                .dns(host: address.host, port: address.port)
            }
        let security = try tls?.transportSecurity() ?? .plaintext
        let transport: HTTP2ClientTransport.Posix
        do {
            var config = HTTP2ClientTransport.Posix.Config.defaults
            config.connection.keepalive = .init(time: keepalive, timeout: keepaliveTimeout, allowWithoutCalls: true)
            transport = try HTTP2ClientTransport.Posix(target: target, transportSecurity: security, config: config)
        } catch {
            throw .invalidRequest("cannot use server address '\(server)': \(error)")
        }
        let grpc = GRPCClient(transport: transport)
        self.server = server
        self.namespace = namespace
        self.callTimeout = callTimeout
        self.tls = tls
        closeGrace = keepalive + keepaliveTimeout
        self.grpc = grpc
        registry = Prism_Registry_V1_MulticastRegistry.Client(wrapping: grpc)
        admin = Prism_Registry_V1_Admin.Client(wrapping: grpc)
    }

    /// A client of `namespace` that shares `other`'s connection (see ``inNamespace(_:)``).
    init(sharing other: PrismClient, namespace: String) {
        server = other.server
        self.namespace = namespace
        callTimeout = other.callTimeout
        tls = other.tls
        closeGrace = other.closeGrace
        grpc = other.grpc
        registry = other.registry
        admin = other.admin
    }

    /// Connects, and keeps the connection up, until ``close()`` and the calls in flight have ended, or
    /// until the task running it is cancelled (which ends the calls in flight). A client runs once.
    public func run() async throws(PrismClientError) {
        do {
            try await grpc.runConnections()
        } catch {
            throw .invalidRequest("the client for \(server) cannot run: \(error)")
        }
    }

    /// Stops new calls; ``run()`` returns once the calls in flight are done.
    public func close() {
        grpc.beginGracefulShutdown()
    }

    /// Runs `body` with a running client and closes it afterwards, whatever happens. Streams opened in
    /// `body` have ended by then; a connection still being set up to a server that accepts TCP but never
    /// answers (a stopped process) is given ``closeGrace`` and then cut, since grpc-swift has no deadline
    /// for it.
    public static func with<Result: Sendable>(
        server: String = defaultServer, namespace: String = "default", callTimeout: Duration? = nil,
        keepalive: Duration = .seconds(10), keepaliveTimeout: Duration = .seconds(5), tls: ClientTLS? = nil,
        _ body: (PrismClient) async throws -> Result
    ) async throws -> Result {
        let client = try PrismClient(
            server: server, namespace: namespace, callTimeout: callTimeout, keepalive: keepalive,
            keepaliveTimeout: keepaliveTimeout, tls: tls)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            let result: Result
            do {
                result = try await body(client)
            } catch {
                client.close()
                throw error
            }
            client.close()
            let grace = client.closeGrace
            group.addTask { try await Task.sleep(for: grace) }
            // Whichever ends first, the connection closing or the grace period, ends both.
            _ = try? await group.next()
            return result
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
            throw PrismClientError.from(error, server: server, deadline: callTimeout)
        }
    }
}
