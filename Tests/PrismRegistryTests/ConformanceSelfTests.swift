import PrismFilter
import PrismRegistryConformance
import Testing

@testable import PrismRegistry

/// The conformance suite must fail a slot that is wrong: a slot that loses one match per query.
@Suite("Conformance suite catches faults")
struct ConformanceSelfTests {
    /// Drops the last identity of every enumeration page and target list.
    final class LossySlot: RegistrySlot {
        let inner = MemoryRegistry()
        var backend: String { "lossy" }

        func register(_ identity: Identity, replace: Bool, capacity: Int?, now: Timestamp)
            async throws(RegistryError) -> Identity?
        {
            try await inner.register(identity, replace: replace, capacity: capacity, now: now)
        }
        func renew(_ name: String, _ renewal: Renewal, metadataPatch: JSONObject?, now: Timestamp)
            async throws(RegistryError) -> Identity
        {
            try await inner.renew(name, renewal, metadataPatch: metadataPatch, now: now)
        }
        func remove(_ name: String, now: Timestamp) async throws(RegistryError) -> Identity? {
            try await inner.remove(name, now: now)
        }
        func get(_ name: String, now: Timestamp) async throws(RegistryError) -> Identity? {
            try await inner.get(name, now: now)
        }
        func enumerate(_ query: EnumerationQuery, now: Timestamp) async throws(RegistryError) -> EnumerationPage {
            var page = try await inner.enumerate(query, now: now)
            if !page.identities.isEmpty { page.identities.removeLast() }
            return page
        }
        func targets(matching filter: Filter?, limit: Int?, now: Timestamp) async throws(RegistryError) -> [String] {
            Array(try await inner.targets(matching: filter, limit: limit, now: now).dropLast())
        }
        func removeExpired(now: Timestamp, limit: Int) async throws(RegistryError) -> [Identity] {
            try await inner.removeExpired(now: now, limit: limit)
        }
        func count(now: Timestamp) async throws(RegistryError) -> Int { try await inner.count(now: now) }
        func health() async -> SlotHealth { await inner.health() }
        func close() async {}
    }

    @Test("the differential check reports a slot that loses matches")
    func differentialCatchesLoss() async throws {
        await withKnownIssue {
            try await RegistrySlotConformance.run("filters agree with the reference evaluator", on: LossySlot())
        }
    }

    @Test("the pagination check reports a slot that loses identities")
    func paginationCatchesLoss() async throws {
        await withKnownIssue {
            try await RegistrySlotConformance.run("pagination by name returns each identity once", on: LossySlot())
        }
    }
}
