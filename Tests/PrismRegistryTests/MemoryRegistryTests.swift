import PrismFilter
import PrismRegistryConformance
import Testing

@testable import PrismRegistry

@Suite("Memory registry")
struct MemoryRegistryTests {
    @Test("RegistrySlot conformance, choosing indexes automatically", arguments: RegistrySlotConformance.checkNames)
    func conformanceAutomatic(check: String) async throws {
        try await RegistrySlotConformance.run(check, on: MemoryRegistry())
    }

    @Test("RegistrySlot conformance, with configured indexes", arguments: RegistrySlotConformance.checkNames)
    func conformanceIndexed(check: String) async throws {
        let slot = MemoryRegistry(indexedFields: [["type"], ["floor"], ["tags"], ["loc", "b"], ["fw"]])
        try await RegistrySlotConformance.run(check, on: slot)
    }

    @Test("RegistrySlot conformance, without indexes", arguments: RegistrySlotConformance.checkNames)
    func conformanceUnindexed(check: String) async throws {
        try await RegistrySlotConformance.run(check, on: MemoryRegistry(indexedFields: []))
    }

    private func fill(_ slot: MemoryRegistry, count: Int) async throws {
        let now = RegistrySlotConformance.start
        for index in 0..<count {
            let type: Value = index % 1000 == 0 ? "gateway" : (index % 2 == 0 ? "sensor" : "actuator")
            let identity = Identity(
                name: "dev-\(index)", metadata: ["type": type, "floor": .int(Int64(index % 7))], registeredAt: now,
                updatedAt: now, expiresAt: nil)
            _ = try await slot.register(identity, replace: false, now: now)
        }
    }

    @Test("an indexed equality reads only the matching identities, never scans")
    func indexedEqualityDoesNotScan() async throws {
        let slot = MemoryRegistry()
        try await fill(slot, count: 10_000)
        let filter = try Filter(#"type == "gateway" and floor >= 0"#)
        let page = try await slot.enumerate(
            EnumerationQuery(filter: filter, limit: 100), now: RegistrySlotConformance.start)
        #expect(page.totalCount == 10)
        #expect(slot.lastExaminedCount == 10)
        #expect(slot.indexedPaths.contains(["type"]))
        let targets = try await slot.targets(
            matching: try Filter(#"type in ["gateway"]"#), limit: nil, now: RegistrySlotConformance.start)
        #expect(targets.count == 10)
        #expect(slot.lastExaminedCount == 10)
        _ = try await slot.targets(
            matching: try Filter(#"@id == "dev-5""#), limit: nil, now: RegistrySlotConformance.start)
        #expect(slot.lastExaminedCount == 1)
    }

    @Test("without an index the same filter scans every identity")
    func unindexedScans() async throws {
        let slot = MemoryRegistry(indexedFields: [])
        try await fill(slot, count: 2_000)
        let page = try await slot.enumerate(
            EnumerationQuery(filter: try Filter(#"type == "gateway""#)), now: RegistrySlotConformance.start)
        #expect(page.totalCount == 2)
        #expect(slot.lastExaminedCount == 2_000)
    }

    @Test("indexes follow updates and removals")
    func indexMaintenance() async throws {
        let slot = MemoryRegistry(indexedFields: [["type"]])
        let now = RegistrySlotConformance.start
        let sensor = Identity(
            name: "x", metadata: ["type": "sensor"], registeredAt: now, updatedAt: now, expiresAt: nil)
        _ = try await slot.register(sensor, replace: false, now: now)
        var changed = sensor
        changed.metadata = ["type": "gateway"]
        _ = try await slot.register(changed, replace: true, now: now)
        #expect(try await slot.targets(matching: try Filter(#"type == "sensor""#), limit: nil, now: now).isEmpty)
        #expect(try await slot.targets(matching: try Filter(#"type == "gateway""#), limit: nil, now: now) == ["x"])
        _ = try await slot.renew("x", .expiresAt(nil), metadataPatch: ["type": 1.0], now: now)
        #expect(try await slot.targets(matching: try Filter("type == 1"), limit: nil, now: now) == ["x"])
        _ = try await slot.remove("x", now: now)
        #expect(try await slot.targets(matching: try Filter("type == 1"), limit: nil, now: now).isEmpty)
    }

    @Test("the sweep's cost follows what expires, not how many identities exist")
    func sweepCost() async throws {
        let slot = MemoryRegistry(indexedFields: [])
        try await fill(slot, count: 5_000)
        let now = RegistrySlotConformance.start
        for index in 0..<10 {
            let identity = Identity(
                name: "short-\(index)", metadata: [:], registeredAt: now, updatedAt: now,
                expiresAt: now.adding(.seconds(1)))
            _ = try await slot.register(identity, replace: false, now: now)
        }
        let later = now.adding(.seconds(2))
        #expect(try await slot.count(now: later) == 5_000)
        let removed = try await slot.removeExpired(now: later, limit: 100)
        #expect(removed.count == 10)
        // removeExpired reads the deadline heap only; nothing was scanned.
        #expect(slot.lastExaminedCount == 0)
    }
}
