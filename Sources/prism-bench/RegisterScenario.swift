import ArgumentParser
import PrismFilter
import PrismRedis
import PrismRegistry
import PrismSQLite

struct RegisterScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register", abstract: "Register throughput through the coordinator, per registry backend.")

    @Option(help: "memory, sqlite or redis ($PRISM_BENCH_REDIS, default 127.0.0.1:6379).")
    var backend = "memory"

    @Option(help: "Identities to register.")
    var identities = 100_000

    @Option(help: "Concurrent registering tasks.")
    var concurrency = 1

    @Flag(help: "Print JSON (always; for symmetry with other scenarios).")
    var json = false

    func run() async throws {
        try await RegistryFixtures.withCoordinator(backend: backend) { coordinator in
            let fleet = SampleFleet.devices(count: 10_000, seed: 3)
            let perTask = identities / concurrency
            let start = Stopwatch.now()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<concurrency {
                    group.addTask {
                        for index in 0..<perTask {
                            try await coordinator.register(
                                "dev-\(task)-\(index)", metadata: fleet[index % fleet.count].metadata, ttl: .seconds(60)
                            )
                        }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = Double(Stopwatch.now() - start)
            let latency = coordinator.statistics.registerLatency
            var report = JSONReport(scenario: "register")
            report.add("backend", .string(backend))
            report.add("identities", perTask * concurrency)
            report.add("concurrency", concurrency)
            report.add("registrations_per_second", Double(perTask * concurrency) / (elapsed / 1e9))
            report.add("latency_us_p50", Int(latency.p50))
            report.add("latency_us_p99", Int(latency.p99))
            if let sqlite = coordinator.registry as? SQLiteRegistry {
                // SQLite's own insert rate on the same file: one row per transaction, and 1,000 per transaction.
                for batch in [1, 1000] {
                    let rows = batch == 1 ? 20_000 : 200_000
                    let start = Stopwatch.now()
                    _ = try await SQLiteBaseline.batchedInserts(sqlite.database, rows: rows, batch: batch)
                    let rate = Double(rows) / (Double(Stopwatch.now() - start) / 1e9)
                    report.add("raw_inserts_per_second_batch_\(batch)", rate)
                }
                let batched = report.value("raw_inserts_per_second_batch_1000") ?? 1
                report.add("ratio_to_raw_batched", Double(perTask * concurrency) / (elapsed / 1e9) / batched)
            }
            if let redis = coordinator.registry as? RedisRegistry {
                // What Redis itself does here, as DESIGN §7 measures it (see RedisBaseline).
                let rate = try await RedisBaseline.pipelinedRegistrationWrites(redis.pool, identities: 200_000)
                report.add("raw_hset_pexpire_zadd_per_second", rate)
                report.add("ratio_to_raw_pipelined", Double(perTask * concurrency) / (elapsed / 1e9) / rate)
            }
            report.print()
        }
    }
}
