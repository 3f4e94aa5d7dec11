import ArgumentParser
import PrismFilter
import PrismRegistry
import PrismSQLite

struct EnumerateScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enumerate",
        abstract: "Enumerate per registry backend: a filtered page, an indexed equality, a full scan.",
        discussion: """
            Measures queries over --identities devices: a selective filter with an indexed equality
            (type == "hub": one device in 10,000) and a full-scan filter (floor >= 3 and battery < 0.5,
            no index can serve it); then both again with indexing disabled (memory) or without pushdown to
            SQL (sqlite), for the ratio. Redis ($PRISM_BENCH_REDIS, default 127.0.0.1:6379) has no
            indexes: it measures a selective filter, a full scan, a filter every device matches and one
            none matches.
            """)

    @Option(help: "memory, sqlite or redis.")
    var backend = "memory"

    @Option(help: "Identities in the registry.")
    var identities = 1000

    @Option(help: "Page size.")
    var limit = 100

    @Option(help: "Timed runs per query.")
    var runs = 50

    @Flag(help: "Print JSON (always).")
    var json = false

    func run() async throws {
        if backend == "redis" { return try await runOnRedis() }
        // For SQLite the second registry evaluates every filter in Swift (no pushdown), for the ratio.
        try await RegistryFixtures.withCoordinator(
            settings: NamespaceSettings(name: "bench", indexedFields: [["type"]]), backend: backend
        ) { indexed in
            try await RegistryFixtures.fill(indexed, count: identities)
            try await RegistryFixtures.withCoordinator(
                settings: NamespaceSettings(name: "plain", indexedFields: []), backend: backend, pushdown: false
            ) { unindexed in
                try await RegistryFixtures.fill(unindexed, count: identities)

                let selective = #"type == "hub" and battery >= 0"#
                let scan = "floor >= 3 and battery < 0.5"
                var report = JSONReport(scenario: "enumerate")
                report.add("backend", .string(backend))
                report.add("identities", identities)
                report.add("limit", limit)
                let plain = backend == "sqlite" ? "no_pushdown" : "unindexed"
                for (name, coordinator, filter) in [
                    ("indexed_equality", indexed, selective), ("full_scan", indexed, scan),
                    ("\(plain)_equality", unindexed, selective), ("\(plain)_full_scan", unindexed, scan),
                ] {
                    try await Self.time(filter, named: name, on: coordinator, limit: limit, runs: runs, into: &report)
                }
                if let sqlite = indexed.registry as? SQLiteRegistry {
                    // SQLite's own full scan with one json_extract per row, on the same file: the pushdown's yardstick.
                    var rawCount = 0
                    let raw = try await RegistryFixtures.time(runs: max(3, runs / 2)) {
                        rawCount = try await SQLiteBaseline.jsonExtractScan(
                            sqlite.database, namespace: sqlite.namespace, key: "type", value: "hub")
                    }
                    report.add("raw_json_extract_scan_matched", rawCount)
                    report.add("raw_json_extract_scan_us_p50", raw.median / 1000)
                    report.add("full_scan_to_raw_ratio", (report.value("full_scan_us_p50") ?? 0) / (raw.median / 1000))
                    report.add(
                        "indexed_equality_to_raw_ratio",
                        (report.value("indexed_equality_us_p50") ?? 0) / (raw.median / 1000))
                }
                report.print()
            }
        }
    }

    /// Times pages of `filter` and adds `<name>_filter`, `_matched`, `_us_p50` and `_us_p99` to `report`.
    static func time(
        _ filter: String, named name: String, on coordinator: Coordinator, limit: Int, runs: Int,
        into report: inout JSONReport
    ) async throws {
        var matched = 0
        // One untimed call builds any automatic index, as the first real query would.
        _ = try await coordinator.enumerate(EnumerateRequest(filter: filter, limit: limit))
        let times = try await RegistryFixtures.time(runs: runs) {
            matched = try await coordinator.enumerate(EnumerateRequest(filter: filter, limit: limit)).totalCount
        }
        report.add("\(name)_filter", .string(filter))
        report.add("\(name)_matched", matched)
        report.add("\(name)_us_p50", times.median / 1000)
        report.add("\(name)_us_p99", times.value(at: 99) / 1000)
    }
}
