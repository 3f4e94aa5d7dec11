import PrismFilter
import Testing

@testable import PrismRegistry

/// Pages in name order walk sorted names and bucket lists kept lazily, and totals come from bucket
/// sizes or a cache: each of those can go stale. These tests page through a randomly changing
/// registry and compare every page and total with a brute-force answer.
@Suite("Memory registry: enumeration in name order against brute force")
struct MemoryEnumerationTests {
    static let filters = [
        "", #"type == "sensor""#, #"type == "sensor" and floor == 2"#, "floor == 2", #"tags == "a""#,
        #"tags in ["a", "b"]"#, #"type in ["sensor", "gateway"]"#, #"@id in ["dev-3", "dev-40", "nope"]"#,
        #"type == "sensor" and floor == 2 and building == "HQ""#, "battery < 0.5", #"not type == "sensor""#,
    ]

    struct Model {
        var identities: [String: Identity] = [:]

        func page(filter: Filter?, after cursor: String?, descending: Bool, limit: Int, now: Timestamp)
            -> (names: [String], total: Int)
        {
            let matching = identities.values.filter {
                !$0.isExpired(at: now) && (filter?.matches($0.metadata, identity: $0.name) ?? true)
            }.map(\.name).sorted()
            let ordered = descending ? Array(matching.reversed()) : matching
            let rest = ordered.filter { name in
                guard let cursor else { return true }
                return descending ? name < cursor : name > cursor
            }
            return (Array(rest.prefix(limit)), matching.count)
        }
    }

    static func metadata(_ random: inout SplitMix64) -> JSONObject {
        let types: [Value] = ["sensor", "actuator", "gateway"]
        var metadata: JSONObject = [
            "type": types[Int(random.next() % 3)], "floor": .int(Int64(random.next() % 5)),
            "building": random.next() % 2 == 0 ? "HQ" : "Lab", "battery": .double(Double(random.next() % 100) / 100),
        ]
        // Some identities carry an array where others carry a scalar: `tags == "a"` matches only the scalar.
        switch random.next() % 4 {
        case 0: metadata["tags"] = ["a", "b"]
        case 1: metadata["tags"] = "a"
        case 2: metadata["tags"] = .array(["b"])
        default: break
        }
        return metadata
    }

    @Test("random writes between pages: every page and total equals brute force", arguments: [1, 2, 3])
    func randomized(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        // Index type, floor and tags; building and battery stay unindexed, so scans and buckets mix.
        let slot = MemoryRegistry(indexedFields: [["type"], ["floor"], ["tags"]])
        var model = Model()
        var now = Timestamp(milliseconds: 1_000_000)
        let filters = try Self.filters.map { $0.isEmpty ? nil : try Filter($0) }

        for round in 0..<60 {
            // A burst of writes: new names, replacements, renewals with patches, removals, short TTLs.
            for _ in 0..<Int(random.next() % 40) {
                let name = "dev-\(random.next() % 300)"
                switch random.next() % 5 {
                case 0, 1:
                    let expires: Timestamp? =
                        random.next() % 4 == 0 ? Timestamp(milliseconds: now.milliseconds + 500) : nil
                    let identity = Identity(
                        name: name, metadata: Self.metadata(&random), registeredAt: now, updatedAt: now,
                        expiresAt: expires)
                    _ = try await slot.register(identity, replace: true, now: now)
                    model.identities[name] = identity
                case 2:
                    guard let current = model.identities[name], !current.isExpired(at: now) else { continue }
                    let patch: JSONObject = ["floor": .int(Int64(random.next() % 5))]
                    model.identities[name] = try await slot.renew(
                        name, .expiresAt(current.expiresAt), metadataPatch: patch, now: now)
                default:
                    _ = try await slot.remove(name, now: now)
                    model.identities[name] = nil
                }
            }
            // Time passes: some identities expire, and are invisible before the sweep removes them.
            now = Timestamp(milliseconds: now.milliseconds + Int64(random.next() % 300))
            if round % 7 == 0 {
                for removed in try await slot.removeExpired(now: now, limit: 1000) {
                    model.identities[removed.name] = nil
                }
            }

            for (text, filter) in zip(Self.filters, filters) {
                for descending in [false, true] {
                    let limit = 1 + Int(random.next() % 40)
                    var cursor: EnumerationCursor?
                    var pages = 0
                    repeat {
                        let page = try await slot.enumerate(
                            EnumerationQuery(
                                filter: filter, limit: limit, cursor: cursor,
                                sort: EnumerationOrder(path: nil, descending: descending)),
                            now: now)
                        let expected = model.page(
                            filter: filter, after: cursor?.name, descending: descending, limit: limit, now: now)
                        #expect(page.identities.map(\.name) == expected.names, "filter \(text), round \(round)")
                        #expect(page.totalCount == expected.total, "total of \(text), round \(round)")
                        cursor = page.nextCursor
                        pages += 1
                    } while cursor != nil && pages < 100
                }
            }
        }
    }
}
