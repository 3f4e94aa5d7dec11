import Foundation
import GRPCCore
import PrismAPI
import PrismClient
import PrismFilter
import PrismServer
import Testing

@Suite("the gRPC API through PrismClient, against an in-process prismd")
struct APITests {
    @Test("register, get, heartbeat, enumerate, unregister")
    func identities() async throws {
        try await TestServer.with { server in
            try await server.withClient { client in
                let first = try await client.register(
                    "sensor-1", metadata: ["type": "sensor", "floor": 1], ttl: .seconds(30))
                #expect(!first.replaced)
                #expect(first.identity.metadataObject == ["type": "sensor", "floor": 1])
                #expect(first.identity.hasExpiresAt)
                let again = try await client.register(
                    "sensor-1", metadata: ["type": "sensor", "floor": 2], replace: true)
                #expect(again.replaced)
                try await client.register("sensor-2", metadata: ["type": "sensor", "floor": 2])
                try await client.register("actuator-1", metadata: ["type": "actuator", "floor": 1])
                #expect(try await client.get("sensor-1").metadataObject["floor"] == 2)
                let renewed = try await client.heartbeat("sensor-2", ttl: .seconds(5), metadataPatch: ["battery": 80])
                #expect(renewed.metadataObject == ["type": "sensor", "floor": 2, "battery": 80])
                let page = try await client.enumeratePage(EnumerateOptions(filter: #"type == "sensor""#))
                #expect(page.identities.map(\.identity) == ["sensor-1", "sensor-2"])
                #expect(page.totalCount == 2)
                var names: [String] = []
                for try await page in client.enumerate(EnumerateOptions(pageSize: 1)) {
                    names += page.identities.map(\.identity)
                }
                #expect(names == ["actuator-1", "sensor-1", "sensor-2"])
                #expect(try await client.unregister("sensor-2"))
                #expect(try await !client.unregister("sensor-2"))
            }
        }
    }

    @Test("errors arrive as the documented status codes, with a filter's line:column")
    func errors() async throws {
        try await TestServer.with { server in
            try await server.withClient { client in
                try await client.register("a", metadata: ["x": 1])
                await expectRejected(.alreadyExists) { try await client.register("a") }
                await expectRejected(.notFound) { _ = try await client.get("missing") }
                await expectRejected(.invalidArgument, containing: "identity") {
                    try await client.register("has space")
                }
                await expectRejected(.invalidArgument, containing: "invalid sort field 'a b'") {
                    _ = try await client.enumeratePage(EnumerateOptions(sortBy: "a b"))
                }
                await expectRejected(.invalidArgument, containing: "invalid sort field 'floor.'") {
                    _ = try await client.enumeratePage(EnumerateOptions(sortBy: "floor."))
                }
                _ = try await client.enumeratePage(EnumerateOptions(sortBy: #"["a b"]"#))
                await expectRejected(.invalidArgument, containing: "1:10") {
                    _ = try await client.enumeratePage(EnumerateOptions(filter: "floor == "))
                }
                await expectRejected(.invalidArgument, containing: "64") {
                    try await client.register("big", metadata: ["blob": .string(String(repeating: "x", count: 70_000))])
                }
                await expectRejected(.invalidArgument, containing: "out of range") {
                    try await client.register("forever", ttl: .seconds(400_000_000_000))
                }
                await expectRejected(.invalidArgument, containing: "finite") {
                    try await client.register("nan", metadata: ["reading": .double(.nan)])
                }
                await expectRejected(.invalidArgument, containing: "ack_timeout 1h is above the maximum of 5m") {
                    _ = try await client.multicast(
                        MulticastOptions(filter: "x == 1", payload: [], ack: true, ackTimeout: .seconds(3600)))
                }
                try await server.withClient(namespace: "nope") { other in
                    await expectRejected(.notFound, containing: "no namespace 'nope'") { _ = try await other.get("a") }
                }
                #expect(try await client.enumeratePage(EnumerateOptions()).totalCount == 1)
            }
        }
    }

    @Test("a client of a server that is not there fails fast as unreachable")
    func unreachable() async throws {
        // A long call deadline, so that failing at all shows that the call did not wait for one.
        try await PrismClient.with(server: "127.0.0.1:1", callTimeout: .seconds(120)) { client in
            let started = ContinuousClock.now
            do throws(PrismClientError) {
                _ = try await client.get("x")
                Issue.record("expected an error")
            } catch {
                guard case .unreachable(let server, _) = error else {
                    Issue.record("got \(error)")
                    return
                }
                #expect(server == "127.0.0.1:1")
            }
            #expect(ContinuousClock.now - started < .seconds(60))
        }
    }

    @Test("multicast with ack reaches Subscribe streams; one target that never acks times out")
    func multicastWithAck() async throws {
        try await TestServer.with { server in
            try await server.withClient { client in
                for index in 1...3 { try await client.register("dev-\(index)", metadata: ["group": "g"]) }
                let openings = StreamOpenings()
                try await withThrowingTaskGroup(of: [String].self) { group in
                    group.addTask {
                        try await client.subscribe(["dev-1", "dev-2"]) { acking in
                            openings.opened()
                            var seen: [String] = []
                            for try await message in acking {
                                #expect(message.ackRequested)
                                #expect(String(decoding: message.payload, as: UTF8.self) == "ping")
                                try await client.ack(messageID: message.messageID)
                                seen.append(message.identity)
                                if seen.count == 2 { break }
                            }
                            return seen.sorted()
                        }
                    }
                    // dev-3 is subscribed and never acks.
                    group.addTask {
                        try await client.subscribe(["dev-3"]) { silent in
                            openings.opened()
                            for try await _ in silent {}
                            return []
                        }
                    }
                    await openings.wait(for: 2)
                    let report = try await client.multicast(
                        MulticastOptions(
                            filter: #"group == "g""#, payload: Array("ping".utf8), ack: true, ackTimeout: .seconds(3)))
                    #expect(report.targetCount == 3)
                    #expect(report.deliveredCount == 2)
                    #expect(report.timeoutCount == 1)
                    #expect(report.statuses.first { $0.identity == "dev-3" }?.status == .timeout)
                    #expect(try await group.next() == ["dev-1", "dev-2"])
                    group.cancelAll()
                }
                let dry = try await client.multicast(
                    MulticastOptions(filter: nil, all: true, payload: [], dryRun: true))
                #expect(dry.targetCount == 3)
                await expectRejected(.invalidArgument) {
                    _ = try await client.multicast(MulticastOptions(filter: nil, payload: []))
                }
            }
        }
    }

    @Test("AckBatch: each ack gets its own result, replies reach the sender, and a too-large batch is refused")
    func ackBatch() async throws {
        try await TestServer.with { server in
            try await server.withClient { client in
                for index in 1...3 { try await client.register("meter-\(index)", metadata: ["group": "m"]) }
                let openings = StreamOpenings()
                let (report, outcomes) = try await withThrowingTaskGroup(of: [PrismClientError?].self) { group in
                    // A gateway: receives its three meters' messages, then acks them in one batch.
                    group.addTask {
                        try await client.subscribe(["meter-1", "meter-2", "meter-3"]) { messages in
                            openings.opened()
                            var received: [Prism_Registry_V1_SubscribedMessage] = []
                            for try await message in messages {
                                received.append(message)
                                if received.count == 3 { break }
                            }
                            let sent = Dictionary(uniqueKeysWithValues: received.map { ($0.identity, $0.messageID) })
                            return try await client.ack([
                                Acknowledgement(messageID: sent["meter-1"]!, reply: Array("41.5".utf8)),
                                Acknowledgement(messageID: "no-such-message"),
                                Acknowledgement(messageID: sent["meter-2"]!, error: "meter offline"),
                                Acknowledgement(
                                    messageID: sent["meter-3"]!, reply: Array(repeating: 0x20, count: 5000)),
                                Acknowledgement(messageID: sent["meter-1"]!),
                            ])
                        }
                    }
                    await openings.wait(for: 1)
                    let report = try await client.multicast(
                        MulticastOptions(
                            filter: #"group == "m""#, payload: Array("read".utf8), ack: true, ackTimeout: .seconds(2)))
                    return (report, try await group.next() ?? [])
                }
                #expect(outcomes.count == 5)
                #expect(outcomes[0] == nil)
                #expect(outcomes[2] == nil)
                for (index, expected) in [(1, RPCError.Code.notFound), (3, .invalidArgument), (4, .notFound)] {
                    guard case .rejected(let code, _)? = outcomes[index] else {
                        Issue.record("ack \(index): \(String(describing: outcomes[index]))")
                        continue
                    }
                    #expect(code == expected, "ack \(index)")
                }
                let byIdentity = Dictionary(uniqueKeysWithValues: report.statuses.map { ($0.identity, $0) })
                #expect(byIdentity["meter-1"]?.status == .delivered)
                #expect(byIdentity["meter-1"]?.reply == Data("41.5".utf8))
                #expect(byIdentity["meter-2"]?.status == .failed)
                #expect(byIdentity["meter-2"]?.error == "meter offline")
                #expect(byIdentity["meter-3"]?.status == .timeout, "the refused 5,000-byte reply did not ack it")
                await expectRejected(.invalidArgument) {
                    _ = try await client.ack(Array(repeating: Acknowledgement(messageID: "x"), count: 10_001))
                }
            }
        }
    }

    @Test("HeartbeatBatch: each renewal gets its own result; patches and TTLs apply as in Heartbeat")
    func heartbeatBatch() async throws {
        try await TestServer.with { server in
            try await server.withClient { client in
                try await client.register("valve-1", metadata: ["battery": 0.9], ttl: .seconds(5))
                try await client.register("valve-2", metadata: ["battery": 0.8], ttl: .seconds(5))
                let outcomes = try await client.heartbeat([
                    HeartbeatRenewal(identity: "valve-1", ttl: .seconds(600), metadataPatch: ["battery": 0.7]),
                    HeartbeatRenewal(identity: "never-registered"),
                    HeartbeatRenewal(identity: "valve-2"),
                ])
                #expect(outcomes.count == 3)
                guard case .rejected(let code, let message)? = outcomes[1] else {
                    Issue.record("the absent identity was renewed: \(String(describing: outcomes[1]))")
                    return
                }
                #expect(code == .notFound)
                #expect(message.contains("never-registered"))
                let renewed = try await client.get("valve-1")
                #expect(renewed.metadataObject["battery"] == .double(0.7))
                #expect(renewed.expiresAt.seconds - renewed.updatedAt.seconds >= 590, "the batch's TTL applied")
                #expect(try await client.get("valve-2").metadataObject["battery"] == .double(0.8))
                // One identity twice in a batch: renewed in order, so the later patch wins, every time.
                for _ in 0..<20 {
                    let twice = try await client.heartbeat([
                        HeartbeatRenewal(identity: "valve-2", metadataPatch: ["position": 1]),
                        HeartbeatRenewal(identity: "valve-1", ttl: .seconds(600)),
                        HeartbeatRenewal(identity: "valve-2", metadataPatch: ["position": 2]),
                    ])
                    #expect(twice.allSatisfy { $0 == nil })
                    #expect(try await client.get("valve-2").metadataObject["position"] == .int(2))
                }
                #expect(outcomes[0] == nil)
                #expect(outcomes[2] == nil)
                await expectRejected(.invalidArgument) {
                    _ = try await client.heartbeat(
                        Array(repeating: HeartbeatRenewal(identity: "valve-1"), count: 10_001))
                }
            }
        }
    }

    @Test("watch streams events in order, filtered, and resumes from a revision")
    func watch() async throws {
        try await TestServer.with { server in
            try await server.withClient { client in
                let seen = try await client.watch(filter: #"type == "sensor""#) { events in
                    try await client.register("s1", metadata: ["type": "sensor"])
                    try await client.register("a1", metadata: ["type": "actuator"])
                    try await client.heartbeat("s1")
                    try await client.unregister("s1")
                    var seen: [(UInt64, Prism_Registry_V1_EventKind, String)] = []
                    for try await event in events {
                        seen.append((event.revision, event.kind, event.identity.identity))
                        if seen.count == 3 { break }
                    }
                    return seen
                }
                #expect(seen.map(\.1) == [.registered, .heartbeat, .unregistered])
                #expect(seen.map(\.2) == ["s1", "s1", "s1"])
                #expect(seen.map(\.0) == [1, 3, 4])
                let replayed = try await client.watch(startRevision: 2) { replay in
                    var replayed: [UInt64] = []
                    for try await event in replay {
                        replayed.append(event.revision)
                        if replayed.count == 2 { break }
                    }
                    return replayed
                }
                #expect(replayed == [3, 4])
                await expectRejected(.invalidArgument, containing: "ahead") {
                    try await client.watch(startRevision: 99) { _ in }
                }
            }
        }
    }

    @Test("/metrics counts the operations, /healthz and /readyz answer")
    func httpEndpoints() async throws {
        try await TestServer.with { server in
            try await server.withClient { client in
                try await client.register("m1")
                try await client.register("m2")
                _ = try? await client.get("nope")
                let metrics = try await server.http("/metrics")
                #expect(metrics.status == 200)
                #expect(
                    metrics.body.contains(#"prism_operations_total{namespace="default",op="register",code="ok"} 2"#))
                #expect(
                    metrics.body.contains(#"prism_operations_total{namespace="default",op="get",code="NOT_FOUND"} 1"#))
                #expect(metrics.body.contains(#"prism_identities{namespace="default"} 2.0"#))
                #expect(metrics.body.contains("prism_operation_duration_seconds_bucket"))
                #expect(try await server.http("/healthz").status == 200)
                let ready = try await server.http("/readyz")
                #expect(ready.status == 200)
                #expect(try await server.http("/nothing").status == 404)
                let patterns = try await client.listPatterns()
                #expect(patterns.map(\.namespace) == ["default"])
                #expect(patterns.first?.health == .healthy)
                #expect(patterns.first?.lifecycle == .running)
                #expect(patterns.first?.identities == 2)
                #expect(patterns.first?.registry.backend == "memory")
            }
        }
    }

    @Test("shutdown ends open streams and completes")
    func gracefulShutdown() async throws {
        try await TestServer.with { server in
            try await server.withClient { client in
                let openings = StreamOpenings()
                let endings = try await withThrowingTaskGroup(of: String.self) { group in
                    group.addTask {
                        do {
                            try await client.subscribe(["x"]) { messages in
                                openings.opened()
                                for try await _ in messages {}
                            }
                            return "the Subscribe stream ended without an error"
                        } catch {
                            return "\(error)"
                        }
                    }
                    group.addTask {
                        do {
                            try await client.watch { events in
                                openings.opened()
                                for try await _ in events {}
                            }
                            return "the Watch stream ended without an error"
                        } catch {
                            return "\(error)"
                        }
                    }
                    await openings.wait(for: 2)
                    try await server.stop()
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(endings.count == 2)
                for ending in endings { #expect(ending.contains("shutting down")) }
            }
        }
    }
}

func expectRejected(
    _ code: RPCError.Code, containing text: String? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected \(code)", sourceLocation: sourceLocation)
    } catch let error as PrismClientError {
        guard case .rejected(let actual, let message) = error else {
            Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(actual == code, "\(message)", sourceLocation: sourceLocation)
        if let text { #expect(message.contains(text), "\(message)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
}
