import ArgumentParser
import PrismFilter
import PrismRegistry

struct RegisterScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register", abstract: "Register throughput through the coordinator, per registry backend.")

    @Option(help: "memory or sqlite.")
    var backend = "memory"

    @Option(help: "Identities to register.")
    var identities = 100_000

    @Option(help: "Concurrent registering tasks.")
    var concurrency = 1

    @Flag(help: "Print JSON (always; for symmetry with other scenarios).")
    var json = false

    func run() async throws {
        let coordinator = try await RegistryFixtures.coordinator(backend: backend)
        defer { RegistryFixtures.cleanUp(coordinator) }
        let fleet = SampleFleet.devices(count: 10_000, seed: 3)
        let perTask = identities / concurrency
        let start = Stopwatch.now()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<concurrency {
                group.addTask {
                    for index in 0..<perTask {
                        try await coordinator.register(
                            "dev-\(task)-\(index)", metadata: fleet[index % fleet.count].metadata, ttl: .seconds(60))
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
        report.print()
    }
}
