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
                let a = try first.client(namespace: namespace.name)
                let b = try second.client(namespace: namespace.name)
                let expiredOnA = ExpiredCollector(try await a.watch())
                let expiredOnB = ExpiredCollector(try await b.watch())
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
                    try await b.enumeratePage(EnumerateOptions(filter: "n < 10", pageSize: 1000)).identities.count == 10
                )
                await expectRejected(.alreadyExists) { try await b.register("dev-0") }
                for index in 0..<5 { try await a.register("brief-\(index)", ttl: .milliseconds(300)) }
                try await Task.sleep(for: .seconds(1.5))
                // Each prismd announces the expiries its own sweeper removed: together, each exactly once.
                #expect((expiredOnA.collected + expiredOnB.collected).sorted() == (0..<5).map { "brief-\($0)" })
                #expect(try await b.enumeratePage(EnumerateOptions(pageSize: 1000)).totalCount == 40)
                await a.close()
                await b.close()
            }
        }
    }
}

/// Collects the EXPIRED events of a watch in the background.
final class ExpiredCollector: Sendable {
    private final class Names: Sendable {
        let list = Mutex<[String]>([])
    }

    private let names = Names()
    private let task: Task<Void, Never>

    init(_ events: AsyncThrowingStream<Prism_Registry_V1_Event, any Error>) {
        let names = self.names
        task = Task {
            do {
                for try await event in events where event.kind == .expired {
                    names.list.withLock { $0.append(event.identity.identity) }
                }
            } catch {}
        }
    }

    var collected: [String] { names.list.withLock { $0 } }

    deinit { task.cancel() }
}
