import PrismFilter
import PrismRegistry
import Testing

/// The behaviour every ``RegistrySlot`` must share, as checks any backend's tests run against a fresh slot:
///
/// ```
/// @Test(arguments: RegistrySlotConformance.checkNames)
/// func conformance(_ check: String) async throws {
///     try await RegistrySlotConformance.run(check, on: MySlot())
/// }
/// ```
public enum RegistrySlotConformance {
    public typealias Check = @Sendable (any RegistrySlot) async throws -> Void

    /// The checks by name.
    public static let checks: [(name: String, run: Check)] = [
        ("register and get", registerAndGet),
        ("already exists without replace", alreadyExists),
        ("capacity is enforced on new names only", capacity),
        ("expired identities are invisible from the instant of expiry", expiryInstant),
        ("renew extends and patches", renew),
        ("renew by the identity's own TTL", renewByOwnTTL),
        ("remove is idempotent", remove),
        ("pagination by name returns each identity once", paginationByName),
        ("sorting by a metadata field", sortByField),
        ("removeExpired returns what expired, earliest first", removeExpired),
        ("metadata can be left out", withoutMetadata),
        ("filters agree with the reference evaluator", DifferentialCheck.run),
    ]

    public static var checkNames: [String] { checks.map(\.name) }

    /// Runs the check called `name` against `slot`, then closes it, whether the check passed or not.
    public static func run(_ name: String, on slot: any RegistrySlot) async throws {
        try await ConformanceRunner.run(name, among: checks, on: slot) { await $0.close() }
    }

    /// The time the checks treat as "now".
    public static let start = Timestamp(milliseconds: 1_800_000_000_000)

    static func identity(
        _ name: String, _ metadata: JSONObject = [:], at now: Timestamp = start, expiresAt: Timestamp? = nil
    ) -> Identity {
        Identity(name: name, metadata: metadata, registeredAt: now, updatedAt: now, expiresAt: expiresAt)
    }

    static func registerAndGet(_ slot: any RegistrySlot) async throws {
        let metadata: JSONObject = [
            "type": "sensor", "floor": 1, "battery": 0.5, "tags": ["a", "b"], "loc": ["b": "HQ"],
        ]
        let previous = try await slot.register(identity("sensor-1", metadata), replace: false, now: start)
        #expect(previous == nil)
        let stored = try await slot.get("sensor-1", now: start)
        #expect(stored?.metadata == metadata)
        #expect(stored?.registeredAt == start)
        #expect(try await slot.get("sensor-2", now: start) == nil)
        #expect(try await slot.count(now: start) == 1)
    }

    static func alreadyExists(_ slot: any RegistrySlot) async throws {
        _ = try await slot.register(identity("a", ["v": 1]), replace: false, now: start)
        await #expect {
            _ = try await slot.register(identity("a", ["v": 2]), replace: false, now: start)
        } throws: { error in
            (error as? RegistryError)?.code == .alreadyExists
        }
        #expect(try await slot.get("a", now: start)?.metadata == ["v": 1])
        let later = start.adding(.seconds(5))
        let previous = try await slot.register(identity("a", ["v": 3], at: later), replace: true, now: later)
        #expect(previous?.metadata == ["v": 1])
        let replaced = try await slot.get("a", now: later)
        #expect(replaced?.metadata == ["v": 3])
        #expect(replaced?.registeredAt == start, "replace keeps the original registration time")
        #expect(replaced?.updatedAt == later)
    }

    static func capacity(_ slot: any RegistrySlot) async throws {
        _ = try await slot.register(identity("c1"), replace: false, capacity: 2, now: start)
        _ = try await slot.register(
            identity("c2", expiresAt: start.adding(.seconds(5))), replace: false, capacity: 2, now: start)
        await #expect {
            _ = try await slot.register(identity("c3"), replace: false, capacity: 2, now: start)
        } throws: { error in
            (error as? RegistryError)?.code == .resourceExhausted
        }
        // Replacing an existing name adds nothing.
        _ = try await slot.register(identity("c1", ["v": 2]), replace: true, capacity: 2, now: start)
        // An expired identity no longer takes a place, even before it is swept.
        let later = start.adding(.seconds(5))
        _ = try await slot.register(identity("c3", at: later), replace: false, capacity: 2, now: later)
        #expect(try await slot.count(now: later) == 2)
    }

    static func expiryInstant(_ slot: any RegistrySlot) async throws {
        let expiry = start.adding(.seconds(10))
        _ = try await slot.register(identity("short", ["k": "x"], expiresAt: expiry), replace: false, now: start)
        _ = try await slot.register(identity("forever", ["k": "x"]), replace: false, now: start)
        let justBefore = Timestamp(milliseconds: expiry.milliseconds - 1)
        let filter = try Filter(#"k == "x""#)
        #expect(try await slot.get("short", now: justBefore) != nil)
        #expect(try await slot.count(now: justBefore) == 2)
        #expect(try await slot.targets(matching: filter, limit: nil, now: justBefore).sorted() == ["forever", "short"])
        // At the instant of expiry every read stops seeing it, before any sweep.
        #expect(try await slot.get("short", now: expiry) == nil)
        #expect(try await slot.count(now: expiry) == 1)
        #expect(try await slot.targets(matching: filter, limit: nil, now: expiry) == ["forever"])
        let page = try await slot.enumerate(EnumerationQuery(filter: filter), now: expiry)
        #expect(page.identities.map(\.name) == ["forever"])
        #expect(page.totalCount == 1)
        await #expect {
            _ = try await slot.renew("short", .expiresAt(nil), metadataPatch: nil, now: expiry)
        } throws: { error in
            (error as? RegistryError)?.code == .notFound
        }
        // An expired identity does not block a new registration of its name.
        _ = try await slot.register(identity("short", ["k": "y"], at: expiry), replace: false, now: expiry)
        #expect(try await slot.get("short", now: expiry)?.metadata == ["k": "y"])
    }

    static func renewByOwnTTL(_ slot: any RegistrySlot) async throws {
        _ = try await slot.register(
            identity("two-minutes", ["k": 1], expiresAt: start.adding(.seconds(120))), replace: false, now: start)
        _ = try await slot.register(identity("forever", ["k": 1]), replace: false, now: start)
        let later = start.adding(.seconds(100))
        let renewed = try await slot.renew("two-minutes", .ownTTL, metadataPatch: nil, now: later)
        #expect(renewed.expiresAt == later.adding(.seconds(120)))
        #expect(renewed.ownTTL == .seconds(120))
        #expect(try await slot.get("two-minutes", now: later.adding(.seconds(119)))?.ownTTL == .seconds(120))
        // Renewed with a TTL of its own choosing, that TTL is the one kept from then on.
        let shorter = try await slot.renew(
            "two-minutes", .expiresAt(later.adding(.seconds(30))), metadataPatch: nil, now: later)
        let again = try await slot.renew(
            "two-minutes", .ownTTL, metadataPatch: ["k": 2], now: later.adding(.seconds(10)))
        #expect(shorter.ownTTL == .seconds(30))
        #expect(again.expiresAt == later.adding(.seconds(40)))
        // Without expiry it stays without: a heartbeat never makes an identity permanent or mortal.
        let permanent = try await slot.renew("forever", .ownTTL, metadataPatch: nil, now: later)
        #expect(permanent.expiresAt == nil)
        #expect(try await slot.get("forever", now: later.adding(.seconds(86_400 * 365)))?.expiresAt == nil)
    }

    static func renew(_ slot: any RegistrySlot) async throws {
        _ = try await slot.register(
            identity(
                "d", ["battery": 0.9, "fw": "1.0", "loc": ["b": "HQ", "f": 1]], expiresAt: start.adding(.seconds(10))),
            replace: false, now: start)
        let later = start.adding(.seconds(8))
        let renewed = try await slot.renew(
            "d", .expiresAt(later.adding(.seconds(10))), metadataPatch: ["battery": 0.8, "fw": .null, "loc": ["f": 2]],
            now: later)
        #expect(renewed.expiresAt == later.adding(.seconds(10)))
        #expect(renewed.updatedAt == later)
        #expect(renewed.metadata == ["battery": 0.8, "loc": ["b": "HQ", "f": 2]])
        // Alive past its first deadline.
        #expect(try await slot.get("d", now: start.adding(.seconds(12)))?.metadata == renewed.metadata)
        await #expect {
            _ = try await slot.renew("nobody", .ownTTL, metadataPatch: nil, now: later)
        } throws: { error in
            (error as? RegistryError)?.code == .notFound
        }
    }

    static func remove(_ slot: any RegistrySlot) async throws {
        _ = try await slot.register(identity("r", ["x": 1]), replace: false, now: start)
        #expect(try await slot.remove("r", now: start)?.name == "r")
        #expect(try await slot.remove("r", now: start) == nil)
        #expect(try await slot.get("r", now: start) == nil)
        #expect(try await slot.count(now: start) == 0)
    }

    static func paginationByName(_ slot: any RegistrySlot) async throws {
        let names = (0..<250).map { "id-" + String(String($0 + 1000).dropFirst()) }
        for name in names.shuffled() {
            _ = try await slot.register(identity(name, ["n": .string(name)]), replace: false, now: start)
        }
        var seen: [String] = []
        var cursor: EnumerationCursor?
        var pages = 0
        repeat {
            let page = try await slot.enumerate(EnumerationQuery(limit: 100, cursor: cursor), now: start)
            #expect(page.totalCount == 250)
            seen += page.identities.map(\.name)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 10
        #expect(pages == 3)
        #expect(seen == names)
        // The cursor survives its token form, as clients carry it.
        let first = try await slot.enumerate(EnumerationQuery(limit: 10), now: start)
        let token = try #require(first.nextCursor).token
        let second = try await slot.enumerate(
            EnumerationQuery(limit: 10, cursor: try EnumerationCursor(token: token)), now: start)
        #expect(second.identities.first?.name == "id-010")
        let descending = try await slot.enumerate(
            EnumerationQuery(limit: 3, sort: .init(path: nil, descending: true)), now: start)
        #expect(descending.identities.map(\.name) == ["id-249", "id-248", "id-247"])
    }

    static func sortByField(_ slot: any RegistrySlot) async throws {
        let floors: [(String, Value?)] = [
            ("a", 3), ("b", 1), ("c", nil), ("d", 2.5), ("e", 1), ("f", "x"), ("g", .null), ("h", 10),
        ]
        for (name, floor) in floors {
            var metadata: JSONObject = ["kind": "s"]
            if let floor { metadata["floor"] = floor }
            _ = try await slot.register(identity(name, metadata), replace: false, now: start)
        }
        for descending in [false, true] {
            var names: [String] = []
            var cursor: EnumerationCursor?
            repeat {
                let page = try await slot.enumerate(
                    EnumerationQuery(
                        limit: 3, cursor: cursor, sort: EnumerationOrder(path: ["floor"], descending: descending)),
                    now: start)
                names += page.identities.map(\.name)
                cursor = page.nextCursor
            } while cursor != nil && names.count < 20
            // absent < null < numbers < strings; ties by name.
            let ascending = ["c", "g", "b", "e", "d", "a", "h", "f"]
            #expect(names == (descending ? ascending.reversed() : ascending), "descending: \(descending)")
        }
    }

    static func removeExpired(_ slot: any RegistrySlot) async throws {
        for index in 0..<100 {
            let expiry = start.adding(.milliseconds(1000 + index))
            _ = try await slot.register(identity("e\(index)", expiresAt: expiry), replace: false, now: start)
        }
        for index in 0..<50 {
            _ = try await slot.register(
                identity("late\(index)", expiresAt: start.adding(.seconds(60))), replace: false, now: start)
        }
        _ = try await slot.register(identity("kept"), replace: false, now: start)
        // Renewed before its deadline: must not be removed at the old one.
        _ = try await slot.renew("e0", .expiresAt(start.adding(.seconds(60))), metadataPatch: nil, now: start)
        let sweepTime = start.adding(.seconds(2))
        var removed: [Identity] = []
        while true {
            let batch = try await slot.removeExpired(now: sweepTime, limit: 40)
            removed += batch
            if batch.count < 40 { break }
        }
        #expect(removed.count == 99)
        #expect(Set(removed.map(\.name)) == Set((1..<100).map { "e\($0)" }))
        #expect(removed.map { $0.expiresAt!.milliseconds } == removed.map { $0.expiresAt!.milliseconds }.sorted())
        #expect(try await slot.removeExpired(now: sweepTime, limit: 1000).isEmpty)
        #expect(try await slot.count(now: sweepTime) == 52)
    }

    static func withoutMetadata(_ slot: any RegistrySlot) async throws {
        _ = try await slot.register(
            identity("m", ["secret": "x", "big": .array(Array(repeating: 1, count: 100))]), replace: false, now: start)
        let page = try await slot.enumerate(EnumerationQuery(includeMetadata: false), now: start)
        #expect(page.identities.map(\.name) == ["m"])
        #expect(page.identities.first?.metadata.isEmpty == true)
    }
}
