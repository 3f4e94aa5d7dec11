import PrismFilter
import PrismRegistry
import TestServers
import Testing

@testable import PrismRedis
@testable import PrismRegistryConformance

/// The Lua pushdown against the reference evaluator, on metadata chosen for what cjson and Lua get wrong
/// when left to themselves: big integers, empty arrays and objects, byte order of non-ASCII strings,
/// strings JSON escapes, nested paths and stepping into non-objects.
@Suite("Redis registry: filters evaluated in Lua agree with the reference evaluator")
struct RedisPushdownTests {
    static let now = Timestamp(milliseconds: 1_800_000_000_000)

    static let metadata: [JSONObject] = [
        ["type": "actuator", "floor": 2, "battery": 0.5, "fw": "1.10.0", "tags": ["x", "y"]],
        ["type": "sensor", "floor": 2.0, "battery": 0.04, "fw": "v1.9", "tags": [], "loc": ["b": "HQ"]],
        ["type": "actuator", "floor": "2", "fw": "1.2.3-rc1", "tags": [:], "loc": [:]],
        ["type": "Ünï", "floor": 9_007_199_254_740_993, "battery": -1, "tags": [1, 2.5, .null]],
        ["type": "z", "floor": 9_007_199_254_740_992, "note": "\"]] os.exit() --", "loc": "HQ"],
        ["type": "é", "floor": -9_007_199_254_740_993, "note": "tab\there", "loc": ["b": ["c": true]]],
        ["type": "e\u{301}", "floor": 1e300, "note": .null, "tags": [["x"], ["b": "x"]], "fw": "2"],
        ["type": "", "floor": 1.5, "note": "a\\b\"c", "tags": [.null, true, "x"], "fw": "1.10"],
        [:],
        ["loc": ["b": 2, "f": "x"], "battery": 1, "fw": "01.010.0.0"],
        // Over 127 keys, Swift finds keys by canonical equivalence: "K" finds the Kelvin sign.
        JSONObject((0..<130).map { ("k\($0)", Value.int(Int64($0))) } + [("\u{212A}", 1)]),
    ]

    static let filters = [
        "type == \"actuator\" and floor == 2", "battery < 0.05", "battery < 5", "floor == 9007199254740993",
        "floor > 9007199254740992", "floor >= 9007199254740991", "floor < -9007199254740992", "floor != 2",
        "floor == 1.5 or floor == \"2\"", "type < \"é\"", "type > \"e\"", "type <= \"Ünï\"", "type >= \"\"",
        "fw > v\"1.9.9\"", "fw == v\"1.10\"", "fw != v\"2\"", "fw <= v\"1.10.0.0\"", "fw < v\"1\"",
        "tags contains \"x\"", "tags contains 2.5", "tags contains null", "tags in [\"y\", true]", "tags not in [1]",
        "tags exists and not (tags contains \"x\")", "loc.b == \"HQ\"", "loc.b exists", "loc.b not exists",
        "loc.b.c == true", "loc.f startswith \"\"", "note == \"\\\"]] os.exit() --\"", "note endswith \"--\"",
        "note contains \"\\t\"", "note == null", "note != null", "@id startswith \"p-1\"", "@id in [\"p-3\", \"p-9\"]",
        "@id > \"p-5\"", "type matches \"^a\" or floor == 2", "not (type matches \"^a\") and battery exists",
        "type == \"a\\\"b\"", "missing < 1", "type < true", "K == 1", "K not exists", "k7 == 7 and k200 not exists",
        "{\"type\": \"actuator\", \"floor.gte\": 2}",
        "", "false", "type == \"e\\u0301\"", "type == \"é\" or type == \"sensor\"",
    ]

    @Test func agreesOnAwkwardMetadata() async throws {
        guard let registry = try await Self.registry() else { return }
        var identities: [Identity] = []
        for (index, metadata) in Self.metadata.enumerated() {
            let identity = Identity(
                name: "p-\(index)", metadata: metadata, registeredAt: Self.now, updatedAt: Self.now, expiresAt: nil)
            identities.append(identity)
            _ = try await registry.register(identity, replace: false, now: Self.now)
        }
        // Expired at the instant of the queries, and matching the plain-text test that skips decoding.
        let earlier = Timestamp(milliseconds: Self.now.milliseconds - 1000)
        _ = try await registry.register(
            Identity(
                name: "p-expired", metadata: ["type": "actuator", "floor": 2, "battery": 0.01], registeredAt: earlier,
                updatedAt: earlier, expiresAt: Self.now),
            replace: false, now: earlier)
        for source in Self.filters {
            let filter = try Filter(source)
            let expected = identities.filter { filter.matches($0.metadata, identity: $0.name) }.map(\.name).sorted()
            let page = try await registry.enumerate(EnumerationQuery(filter: filter, limit: 100), now: Self.now)
            #expect(page.identities.map(\.name) == expected, "\(source)")
            #expect(page.totalCount == expected.count, "\(source)")
            #expect(try await registry.targets(matching: filter, limit: nil, now: Self.now) == expected, "\(source)")
            // What was compared is Lua's answer: an exact program leaves to Swift only the over-127-key object.
            let program = LuaFilter(filter.expression)
            if program.exact {
                let chunk = try await registry.scanChunk(
                    program, mode: .names, descending: false, start: "-", cursor: nil, budget: 0, now: Self.now)
                #expect(chunk.rows.filter { !$0.decided }.allSatisfy { $0.name == "p-10" }, "\(source)")
            }
        }
        #expect(try await registry.count(now: Self.now) == Self.metadata.count)
    }

    /// An exact program leaves no row to Swift; an inexact one sends back only the rows it cannot rule out.
    @Test func luaDecidesWhatItCan() async throws {
        guard let registry = try await Self.registry() else { return }
        for index in 0..<20 {
            let metadata: JSONObject = [
                "type": index % 2 == 0 ? "actuator" : "sensor", "floor": .int(Int64(index % 4)),
            ]
            _ = try await registry.register(
                Identity(
                    name: "d-\(index)", metadata: metadata, registeredAt: Self.now, updatedAt: Self.now, expiresAt: nil),
                replace: false, now: Self.now)
        }
        let exact = LuaFilter(try Filter.parse("type == \"actuator\" and floor == 2"))
        let chunk = try await registry.scanChunk(
            exact, mode: .names, descending: false, start: "-", cursor: nil, budget: 0, now: Self.now)
        #expect(chunk.rows.map(\.name) == ["d-10", "d-14", "d-18", "d-2", "d-6"])
        #expect(chunk.rows.allSatisfy { $0.decided && $0.fields == [.null, .null, .null, .null] })
        let inexact = LuaFilter(try Filter.parse("type == \"actuator\" and @id matches \"1\""))
        let undecided = try await registry.scanChunk(
            inexact, mode: .names, descending: false, start: "-", cursor: nil, budget: 0, now: Self.now)
        #expect(undecided.rows.count == 10)
        #expect(undecided.rows.allSatisfy { !$0.decided && $0.fields[0] != .null })
    }

    /// The shared differential check's data and filters: most programs are exact, and Lua decides most
    /// rows itself, so that check compares Lua's answers, not only the Swift fallback's.
    @Test func differentialFiltersAreMostlyDecidedInLua() async throws {
        guard let registry = try await Self.registry() else { return }
        var random = SplitMix64(seed: 0x5EED)
        for index in 0..<DifferentialCheck.identityCount {
            let metadata = RandomMetadata.object(using: &random)
            _ = try await registry.register(
                Identity(
                    name: "dev-\(index)", metadata: metadata, registeredAt: Self.now, updatedAt: Self.now,
                    expiresAt: nil),
                replace: false, now: Self.now)
        }
        var generator = RandomFilters(random: random)
        var exactPrograms = 0
        var decided = 0
        var undecided = 0
        for _ in 0..<DifferentialCheck.filterCount {
            let program = LuaFilter(generator.expression(depth: 0))
            if program.exact { exactPrograms += 1 }
            let chunk = try await registry.scanChunk(
                program, mode: .names, descending: false, start: "-", cursor: nil, budget: 0, now: Self.now)
            decided += chunk.rows.filter(\.decided).count
            undecided += chunk.rows.filter { !$0.decided }.count
        }
        #expect(exactPrograms * 2 > DifferentialCheck.filterCount)
        #expect(undecided * 2 < decided, "Lua decided \(decided) matches and left \(undecided) to Swift")
    }

    /// Pages across the script's chunk boundary, both ways, with a filter that leaves rows to Swift.
    @Test(arguments: [false, true])
    func pagesAcrossChunks(descending: Bool) async throws {
        guard let registry = try await Self.registry() else { return }
        let count = RedisScanChunk.size + 300
        var expected: [String] = []
        for index in 0..<count {
            let name = "n-\(index)"
            let metadata: JSONObject = ["floor": .int(Int64(index % 7)), "kind": index % 3 == 0 ? "relay" : "valve"]
            if index % 7 != 3 && (index % 3 == 0 || index % 2 == 0) { expected.append(name) }
            _ = try await registry.register(
                Identity(name: name, metadata: metadata, registeredAt: Self.now, updatedAt: Self.now, expiresAt: nil),
                replace: false, now: Self.now)
        }
        expected.sort(by: descending ? (>) : (<))
        let filter = try Filter("floor != 3 and (kind == \"relay\" or @id matches \"[02468]$\")")
        var seen: [String] = []
        var cursor: EnumerationCursor?
        repeat {
            let page = try await registry.enumerate(
                EnumerationQuery(
                    filter: filter, limit: 97, cursor: cursor,
                    sort: EnumerationOrder(path: nil, descending: descending),
                    includeMetadata: false),
                now: Self.now)
            #expect(page.totalCount == expected.count)
            #expect(page.identities.allSatisfy { $0.metadata.isEmpty })
            seen += page.identities.map(\.name)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == expected)
        let targets = try await registry.targets(matching: filter, limit: 50, now: Self.now)
        #expect(targets == Array(expected.sorted().prefix(50)))
    }

    static func registry() async throws -> RedisRegistry? {
        guard let (host, port) = SharedServers.redis() else { return nil }
        return RedisRegistry(
            pool: RedisConnectionPool(.init(host: host, port: port)),
            namespace: "pushdown-\(UInt64.random(in: 0...UInt64.max))")
    }
}
