import ArgumentParser
import Foundation
import PrismFilter
import PrismRegistry
import PrismSQLite

struct RestartScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "SQLite: time to reopen a database holding many identities and serve the first request.",
        discussion: """
            Fills a fresh SQLite data directory with --identities devices, closes it, then times reopening
            it (schema check, WAL, quick_check), starting a coordinator (which sweeps what expired while
            down) and answering one count.
            """)

    @Option(help: "Identities in the file.")
    var identities = 1_000_000

    @Flag(help: "Print JSON (always).")
    var json = false

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "prism-restart-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let settings = NamespaceSettings(name: "restart")
        let fillStart = Stopwatch.now()
        do {
            let database = try SQLiteDatabase(directory: directory)
            let coordinator = Coordinator(
                settings: settings, registry: SQLiteRegistry(database: database, namespace: "restart"),
                messaging: InProcessMessaging())
            try await coordinator.start()
            try await RegistryFixtures.fill(coordinator, count: identities)
            await coordinator.stop()
            await database.close()
        }
        let fillSeconds = Double(Stopwatch.now() - fillStart) / 1e9
        let start = Stopwatch.now()
        let database = try SQLiteDatabase(directory: directory)
        let coordinator = Coordinator(
            settings: settings, registry: SQLiteRegistry(database: database, namespace: "restart"),
            messaging: InProcessMessaging())
        try await coordinator.start()
        let opened = Double(Stopwatch.now() - start)
        let count = try await coordinator.count()
        let firstAnswer = Double(Stopwatch.now() - start)
        let size = (try? FileManager.default.attributesOfItem(atPath: database.path)[.size] as? Int) ?? 0
        var report = JSONReport(scenario: "restart")
        report.add("backend", "sqlite")
        report.add("identities", count)
        report.add("fill_seconds", fillSeconds)
        report.add("file_megabytes", Double(size) / 1e6)
        report.add("open_and_start_ms", opened / 1e6)
        report.add("first_count_ms", firstAnswer / 1e6)
        report.print()
        await coordinator.stop()
        await database.close()
    }
}
