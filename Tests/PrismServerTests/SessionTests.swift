import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import PrismAPI
import PrismClient
import PrismServer
import Testing

/// The Session stream through PrismClient's `PrismSession`, against an in-process prismd.
@Suite("Session streams through PrismClient", .timeLimit(.minutes(1)))
struct SessionTests {
    @Test("register on the session, receive a multicast, ack in-band with a reply; results in order")
    func registerReceiveAck() async throws {
        try await TestServer.with { server in
            try await server.withClient { client in
                try await client.withSession { session in
                    #expect(
                        try await session.register("dev-1", metadata: ["type": "sensor"], ttl: .seconds(30)) == false)
                    #expect(
                        try await session.register("dev-1", metadata: ["type": "sensor"], ttl: .seconds(30)) == true)

                    let report = try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await message in session.messages {
                                #expect(message.identity == "dev-1")
                                try await session.ack(messageID: message.messageID, reply: Array("21.5".utf8))
                                return
                            }
                        }
                        let report = try await client.multicast(
                            MulticastOptions(filter: #"type == "sensor""#, payload: Array("read".utf8), ack: true))
                        try await group.waitForAll()
                        return report
                    }
                    #expect(report.deliveredCount == 1)
                    #expect(report.statuses.first { $0.identity == "dev-1" }?.reply == Data("21.5".utf8))

                    // A heartbeat with a patch through the session is what Get sees afterwards.
                    try await session.heartbeat("dev-1", metadataPatch: ["battery": 0.5])
                    #expect(try await client.get("dev-1").metadataObject["battery"] == 0.5)
                }
            }
        }
    }

    @Test("failures: a waiting call throws the status, a send without waiting reports on `failures`")
    func failures() async throws {
        try await TestServer.with { server in
            try await server.withClient { client in
                try await client.withSession { session throws in
                    do throws(PrismClientError) {
                        try await session.heartbeat("nobody")
                        Issue.record("a heartbeat of an unregistered identity succeeded")
                    } catch {
                        guard case .rejected(.notFound, _) = error else {
                            Issue.record("expected NOT_FOUND, got \(error)")
                            return
                        }
                    }
                    session.sendHeartbeat("nobody-either")
                    var failures = session.failures.makeAsyncIterator()
                    let failure = await failures.next()
                    #expect(failure?.code == Int32(RPCError.Code.notFound.rawValue))
                    #expect(failure?.message.contains("nobody-either") == true)
                    // The session is still open after failures.
                    #expect(try await session.register("dev-2") == false)
                }
            }
        }
    }

    @Test("a session keeps its first request's namespace: a request naming another is refused, in order")
    func oneNamespace() async throws {
        try await TestServer.with([
            NamespaceConfiguration(name: "default", registry: .memory, messaging: .inproc),
            NamespaceConfiguration(name: "other", registry: .memory, messaging: .inproc),
        ]) { server in
            var requests: [Prism_Registry_V1_SessionRequest] = []
            for (id, namespace) in [(1, "default"), (2, "other"), (3, "")] {
                var register = Prism_Registry_V1_RegisterRequest()
                register.namespace = namespace
                register.identity = "dev-\(id)"
                var request = Prism_Registry_V1_SessionRequest()
                request.requestID = UInt64(id)
                request.request = .register(register)
                requests.append(request)
            }
            let sent = requests
            let results = try await withGRPCClient(
                transport: .http2NIOPosix(
                    target: .ipv4(address: "127.0.0.1", port: server.addresses.grpc.port), transportSecurity: .plaintext
                )
            ) { grpc in
                let registry = Prism_Registry_V1_MulticastRegistry.Client(wrapping: grpc)
                let request = StreamingClientRequest(of: Prism_Registry_V1_SessionRequest.self) { writer in
                    try await writer.write(contentsOf: sent)
                }
                return try await registry.session(request: request) { response in
                    var results: [Prism_Registry_V1_SessionResult] = []
                    for try await event in response.messages {
                        if case .result(let result) = event.event { results.append(result) }
                    }
                    return results
                }
            }
            #expect(results.map(\.requestID) == [1, 2, 3])
            #expect(results.map(\.code) == [0, Int32(RPCError.Code.invalidArgument.rawValue), 0])
            #expect(results[1].message.contains("namespace 'default'"))
            // dev-3 named no namespace, so it went to the session's.
            #expect(try await server.withClient { try await $0.get("dev-3") }.identity == "dev-3")
        }
    }

    @Test("unregister and the session's end both end its subscriptions")
    func subscriptionsEnd() async throws {
        try await TestServer.with { server in
            try await server.withClient { client in
                try await client.withSession { session in
                    try await session.register("dev-5")
                    try await session.register("dev-6")
                    #expect(try await session.unregister("dev-5"))
                    try await client.register("dev-5")
                    let afterUnregister = try await client.multicast(
                        MulticastOptions(filter: #"@id == "dev-5""#, payload: [1], ack: true, ackTimeout: .seconds(5)))
                    #expect(afterUnregister.failedCount == 1)

                    session.cancel()
                    let deadline = ContinuousClock.now + .seconds(5)
                    var failed: UInt32 = 0
                    while ContinuousClock.now < deadline, failed == 0 {
                        failed = try await client.multicast(
                            MulticastOptions(
                                filter: #"@id == "dev-6""#, payload: [1], ack: true, ackTimeout: .seconds(1))
                        ).failedCount
                    }
                    #expect(failed == 1, "the cancelled session still received dev-6's messages")
                    #expect(session.ended != nil)
                }
            }
        }
    }

    @Test("a graceful shutdown ends open sessions")
    func shutdownEndsSessions() async throws {
        try await TestServer.with { server in
            try await server.withClient { client in
                try await client.withSession { session in
                    try await session.register("dev-7")
                    try await server.stop()
                    for await _ in session.messages {}
                    #expect(session.ended != nil)
                }
            }
        }
    }
}
