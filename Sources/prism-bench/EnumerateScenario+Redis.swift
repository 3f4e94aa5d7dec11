import PrismFilter
import PrismRedis
import PrismRegistry

extension EnumerateScenario {
    /// Redis has no secondary indexes, so every filter reads the whole namespace: what differs is how
    /// much of it each filter lets the server leave behind.
    func runOnRedis() async throws {
        try await RegistryFixtures.withCoordinator(backend: "redis") { coordinator in
            try await RegistryFixtures.fill(coordinator, count: identities)
            var report = JSONReport(scenario: "enumerate")
            report.add("backend", .string(backend))
            report.add("identities", identities)
            report.add("limit", limit)
            for (name, filter) in [
                ("selective", #"type == "actuator" and floor == 2"#), ("full_scan", "floor >= 3 and battery < 0.5"),
                ("match_all", "battery < 5"), ("match_none", "battery > 5"),
            ] {
                try await EnumerateScenario.time(
                    filter, named: name, on: coordinator, limit: limit, runs: runs, into: &report)
            }
            if let redis = coordinator.registry as? RedisRegistry {
                var raw: [Double] = []
                var decoded = 0
                for _ in 0..<max(3, runs / 2) {
                    let (ms, count) = try await RedisBaseline.decodingScan(redis.pool, namespace: redis.namespace)
                    raw.append(ms)
                    decoded = count
                }
                let median = raw.sorted()[raw.count / 2]
                report.add("raw_lua_decode_scan_decoded", decoded)
                report.add("raw_lua_decode_scan_us_p50", median * 1000)
                report.add("full_scan_to_raw_ratio", (report.value("full_scan_us_p50") ?? 0) / (median * 1000))
            }
            report.print()
        }
    }
}
