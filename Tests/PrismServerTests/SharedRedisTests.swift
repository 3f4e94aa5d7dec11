import Foundation
import PrismAPI
import PrismClient
import PrismServer
import Synchronization
import Testing

@Suite("two prismd sharing one Redis")
struct SharedRedisTests {
    @Test("what one registers the other enumerates; each expiry is announced exactly once across both")
    func twoServersOneRedis() async throws {
        guard let text = ProcessInfo.processInfo.environment["PRISM_TEST_REDIS"], let address = HostAndPort(text) else {
            Issue.record("PRISM_TEST_REDIS is not set: run `make test`, which starts redis-server")
            return
        }
        let namespace = NamespaceConfiguration(
            name: "shared-\(UInt32.random(in: 0...UInt32.max))", sweepInterval: .milliseconds(100),
            registry: .redis(address: address, connections: 2), messaging: .inproc)
        try await TestServer.with([namespace]) { first in
            try await TestServer.with([namespace]) { second in
                try await first.withClient(namespace: namespace.name) { a in
                    try await second.withClient(namespace: namespace.name) { b in
                        try await withExpiredCollectors(a, b) { expiredOnA, expiredOnB in
                            try await withThrowingTaskGroup(of: Void.self) { group in
                                for index in 0..<40 {
                                    group.addTask {
                                        let client = index.isMultiple(of: 2) ? a : b
                                        try await client.register("dev-\(index)", metadata: ["n": .int(Int64(index))])
                                    }
                                }
                                try await group.waitForAll()
                            }
                            #expect(try await a.enumeratePage(EnumerateOptions(pageSize: 1000)).totalCount == 40)
                            #expect(
                                try await b.enumeratePage(EnumerateOptions(filter: "n < 10", pageSize: 1000)).identities
                                    .count == 10
                            )
                            await expectRejected(.alreadyExists) { try await b.register("dev-0") }
                            for index in 0..<5 { try await a.register("brief-\(index)", ttl: .milliseconds(300)) }
                            try await Task.sleep(for: .seconds(1.5))
                            // Each prismd announces the expiries its own sweeper removed: together, each exactly once.
                            #expect(
                                (expiredOnA.collected + expiredOnB.collected).sorted() == (0..<5).map { "brief-\($0)" })
                            #expect(try await b.enumeratePage(EnumerateOptions(pageSize: 1000)).totalCount == 40)
                        }
                    }
                }
            }
        }
    }
}

/// Runs `body` while both clients' Watch streams collect the EXPIRED events.
func withExpiredCollectors(
    _ a: PrismClient, _ b: PrismClient, _ body: (ExpiredCollector, ExpiredCollector) async throws -> Void
) async throws {
    let (onA, onB) = (ExpiredCollector(), ExpiredCollector())
    let openings = StreamOpenings()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for (client, collector) in [(a, onA), (b, onB)] {
            group.addTask {
                try await client.watch { events in
                    openings.opened()
                    for try await event in events where event.kind == .expired {
                        collector.add(event.identity.identity)
                    }
                }
            }
        }
        await openings.wait(for: 2)
        defer { group.cancelAll() }
        try await body(onA, onB)
    }
}

/// The names of the EXPIRED events one Watch stream saw.
final class ExpiredCollector: Sendable {
    private let names = Mutex<[String]>([])

    func add(_ name: String) { names.withLock { $0.append(name) } }

    var collected: [String] { names.withLock { $0 } }
}
