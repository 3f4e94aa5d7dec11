import ArgumentParser
import PrismFilter
import PrismRegistry

struct SweepScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "TTL sweep of many simultaneous expiries, beside many identities that do not expire.",
        discussion: """
            Registers --expiring identities with a 1 s TTL and --resident identities without one, waits for
            the TTL, then times one sweep (removal plus one EXPIRED event each). Run it with --resident 0 too:
            the sweep's time should not change.
            """)

    @Option(help: "Identities that expire at the same instant.")
    var expiring = 100_000

    @Option(help: "Identities that never expire.")
    var resident = 1_000_000

    @Flag(help: "Print JSON (always).")
    var json = false

    func run() async throws {
        try await RegistryFixtures.withCoordinator { coordinator in
            try await RegistryFixtures.fill(coordinator, count: resident, prefix: "resident")
            try await RegistryFixtures.fill(coordinator, count: expiring, ttl: .seconds(1), prefix: "brief")
            // Watch from here: the sweep's EXPIRED events are what the watcher must receive.
            let events = try coordinator.watch(bufferSize: expiring + 10)
            try await Task.sleep(for: .milliseconds(1100))
            let start = Stopwatch.now()
            let swept = try await coordinator.sweepExpired()
            let elapsed = Double(Stopwatch.now() - start)
            var expiredEvents = 0
            for try await event in events {
                if event.kind == .expired { expiredEvents += 1 }
                if expiredEvents == swept { break }
            }
            var report = JSONReport(scenario: "sweep")
            report.add("backend", "memory")
            report.add("resident", resident)
            report.add("expiring", expiring)
            report.add("swept", swept)
            report.add("expired_events", expiredEvents)
            report.add("sweep_ms", elapsed / 1e6)
            report.add("ns_per_expiry", elapsed / Double(max(swept, 1)))
            report.add("remaining", try await coordinator.count())
            report.print()
        }
    }
}
