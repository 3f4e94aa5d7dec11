import Foundation
import Logging
import PrismAPI
import PrismClient
import PrismServer
import Testing

/// A real PrismDaemon in this process on free ports, for tests that talk to it through PrismClient.
struct TestServer {
    let daemon: PrismDaemon
    let addresses: PrismDaemon.Addresses
    let task: Task<Void, any Error>

    var grpcAddress: String { addresses.grpc.description }

    static func start(_ namespaces: [NamespaceConfiguration]? = nil, dataDirectory: String? = nil) async throws
        -> TestServer
    {
        let directory =
            dataDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("prism-server-\(UUID())").path
        var configuration = ServerConfiguration(
            listen: HostAndPort(host: "127.0.0.1", port: 0), http: HostAndPort(host: "127.0.0.1", port: 0),
            dataDirectory: directory,
            namespaces: namespaces ?? [NamespaceConfiguration(name: "default", registry: .memory, messaging: .inproc)])
        configuration.logLevel = .error
        var logger = Logger(label: "prismd-test")
        logger.logLevel = .error
        let daemon = PrismDaemon(configuration: configuration, logger: logger)
        let (listening, continuation) = AsyncStream<PrismDaemon.Addresses>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            try await daemon.run { continuation.yield($0) }
        }
        for await addresses in listening {
            return TestServer(daemon: daemon, addresses: addresses, task: task)
        }
        try await task.value
        throw TestServerError.didNotStart
    }

    func stop() async throws {
        await daemon.shutdown()
        try await task.value
    }

    func client(namespace: String = "default") throws -> PrismClient {
        try PrismClient(server: grpcAddress, namespace: namespace)
    }

    /// GET on the HTTP endpoint: status and body.
    func http(_ path: String) throws -> (status: Int, body: String) {
        try HTTPGet.fetch(host: "127.0.0.1", port: addresses.http.port, path: path)
    }
}

enum TestServerError: Error { case didNotStart }
