import PrismFilter
import Testing

@testable import PrismRegistry

@Suite("Coordinator under concurrency")
struct ConcurrencyTests {
    /// Pages through everything the filter selects.
    static func allNames(_ coordinator: Coordinator, filter: String? = nil, pageSize: Int) async throws -> [String] {
        var names: [String] = []
        var cursor: String?
        repeat {
            let page = try await coordinator.enumerate(
                EnumerateRequest(filter: filter, limit: pageSize, cursor: cursor, includeMetadata: false))
            names += page.identities.map(\.name)
            cursor = page.nextCursor?.token
        } while cursor != nil
        return names
    }

    @Test("100 registrants, 50 enumerators and 10 multicasters: no identity lost or duplicated")
    func mixedLoad() async throws {
        let coordinator = try await makeCoordinator()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for registrant in 0..<100 {
                group.addTask {
                    for index in 0..<20 {
                        try await coordinator.register(
                            "r\(registrant)-\(index)",
                            metadata: ["registrant": .int(Int64(registrant)), "n": .int(Int64(index))])
                    }
                }
            }
            for _ in 0..<50 {
                group.addTask {
                    for _ in 0..<3 {
                        let names = try await Self.allNames(coordinator, pageSize: 97)
                        #expect(Set(names).count == names.count, "a pagination returned an identity twice")
                    }
                }
            }
            for multicaster in 0..<10 {
                group.addTask {
                    for _ in 0..<5 {
                        let report = try await coordinator.multicast(
                            MulticastRequest(filter: "registrant == \(multicaster * 10)", payload: [1]))
                        #expect(report.targetCount <= 20)
                        #expect(Set(report.statuses.map(\.identity)).count == report.targetCount)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await coordinator.count() == 2000)
        let names = try await Self.allNames(coordinator, pageSize: 250)
        #expect(names.count == 2000)
        #expect(Set(names).count == 2000)
        #expect(coordinator.statistics.counters.registrations == 2000)
        #expect(coordinator.revision == 2000 + 50, "one event per registration and per multicast")
    }

    @Test("pagination returns every identity that exists throughout exactly once while others come and go")
    func paginationUnderChurn() async throws {
        let coordinator = try await makeCoordinator()
        let stable = (0..<500).map { "s-\(String($0 + 1000).dropFirst())" }
        for name in stable.shuffled() { try await coordinator.register(name, metadata: ["stable": true]) }
        let churn = Task {
            var round = 0
            while !Task.isCancelled {
                let name = "c-\(round % 300)"
                if round % 2 == 0 {
                    _ = try? await coordinator.register(name, replace: true)
                } else {
                    _ = try? await coordinator.unregister("c-\((round + 150) % 300)")
                }
                round += 1
                if round % 50 == 0 { await Task.yield() }
            }
        }
        defer { churn.cancel() }
        for pageSize in [1, 7, 37, 100] {
            let names = try await Self.allNames(coordinator, pageSize: pageSize)
            #expect(Set(names).count == names.count)
            #expect(names.filter { $0.hasPrefix("s-") } == stable, "page size \(pageSize)")
            #expect(names == names.sorted())
        }
    }
}
