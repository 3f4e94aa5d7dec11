import Foundation
import Logging
import PrismAPI
import PrismClient
import PrismServer
import ServiceLifecycle
import Testing

/// A real PrismDaemon in this process on free ports, for tests that talk to it through PrismClient.
struct TestServer {
    let group: ServiceGroup
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
        let (listening, continuation) = AsyncStream<PrismDaemon.Addresses>.makeStream()
        let daemon = PrismDaemon(configuration: configuration, logger: logger) { continuation.yield($0) }
        let group = ServiceGroup(services: [daemon], logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        for await addresses in listening {
            return TestServer(group: group, addresses: addresses, task: task)
        }
        try await task.value
        throw TestServerError.didNotStart
    }

    /// A server for `body`, stopped afterwards whatever happens, so that a failing check does not leave
    /// a daemon serving for the rest of the run. `body` may stop it itself (to test stopping).
    static func with<Result>(
        _ namespaces: [NamespaceConfiguration]? = nil, dataDirectory: String? = nil,
        _ body: (TestServer) async throws -> Result
    ) async throws -> Result {
        let server = try await start(namespaces, dataDirectory: dataDirectory)
        let result: Result
        do {
            result = try await body(server)
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
        return result
    }

    /// Shuts the daemon down gracefully and waits for it; stopping a stopped server does nothing.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// Runs `body` with a client of this server, closed afterwards.
    func withClient<Result: Sendable>(
        namespace: String = "default", _ body: (PrismClient) async throws -> Result
    ) async throws -> Result {
        try await PrismClient.with(server: grpcAddress, namespace: namespace, body)
    }

    /// GET on the HTTP endpoint: status and body.
    func http(_ path: String) async throws -> (status: Int, body: String) {
        try await HTTPGet.fetch(host: "127.0.0.1", port: addresses.http.port, path: path)
    }
}

enum TestServerError: Error { case didNotStart }

/// Lets a test wait until the streams it opened in child tasks are set up.
struct StreamOpenings: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream<Void>.makeStream()
    }

    func opened() { continuation.yield() }

    func wait(for count: Int) async {
        var waiting = count
        for await _ in stream {
            waiting -= 1
            if waiting == 0 { return }
        }
    }
}
