import Foundation
import PrismAPI
import PrismFilter
import PrismRedis
import PrismRegistry
import PrismSQLite

/// Builds coordinators filled with the sample fleet for the registry scenarios.
enum RegistryFixtures {
    /// Runs `body` with a started coordinator on `backend` (`memory`, `redis`, or `sqlite` in a fresh
    /// directory under /tmp, removed afterwards). A SQLite registry checkpoints meanwhile as prismd's does,
    /// so that the WAL does not grow through a measurement; the sweeper does not run (the sweep
    /// scenario sweeps by hand).
    static func withCoordinator<Result: Sendable>(
        settings: NamespaceSettings = NamespaceSettings(name: "bench"), backend: String = "memory",
        pushdown: Bool = true, _ body: (Coordinator) async throws -> Result
    ) async throws -> Result {
        let coordinator = try await coordinator(settings: settings, backend: backend, pushdown: pushdown)
        defer { cleanUp(coordinator) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            if let sqlite = coordinator.registry as? SQLiteRegistry { group.addTask { await sqlite.run() } }
            defer { group.cancelAll() }
            return try await body(coordinator)
        }
    }

    private static func coordinator(
        settings: NamespaceSettings, backend: String, pushdown: Bool
    ) async throws -> Coordinator {
        let registry: any RegistrySlot
        switch backend {
        case "memory":
            registry = MemoryRegistry(indexedFields: settings.indexedFields)
        case "sqlite":
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("prism-bench-\(UUID().uuidString)").path
            let sqlite = SQLiteRegistry(
                database: try SQLiteDatabase(directory: directory), namespace: settings.name, pushdown: pushdown,
                indexedFields: settings.indexedFields ?? [])
            try await sqlite.prepareIndexes()
            registry = sqlite
        case "redis":
            // $PRISM_BENCH_REDIS (default 127.0.0.1:6379); a fresh namespace per run.
            let address = ProcessInfo.processInfo.environment["PRISM_BENCH_REDIS"] ?? "127.0.0.1:6379"
            guard let redis = HostAndPort(address) else {
                throw BenchError("PRISM_BENCH_REDIS '\(address)' is not HOST:PORT")
            }
            let pool = RedisConnectionPool(.init(host: redis.host, port: redis.port, connections: 4))
            registry = RedisRegistry(pool: pool, namespace: "\(settings.name)-\(UUID().uuidString.prefix(8))")
        default:
            throw BenchError("unknown backend '\(backend)'; use memory, sqlite or redis")
        }
        let coordinator = Coordinator(
            settings: settings, registry: registry, messaging: InProcessMessaging(subscriberBufferSize: 1 << 20))
        try await coordinator.start()
        return coordinator
    }

    /// Removes a SQLite coordinator's data directory.
    private static func cleanUp(_ coordinator: Coordinator) {
        if let sqlite = coordinator.registry as? SQLiteRegistry {
            try? FileManager.default.removeItem(atPath: (sqlite.database.path as NSString).deletingLastPathComponent)
        }
    }

    /// Registers `count` devices; every 10,000th has type `hub` (so `type == "hub"` selects count/10,000).
    /// Sixteen concurrent registrants, so a SQLite registry commits in groups.
    static func fill(_ coordinator: Coordinator, count: Int, ttl: Duration? = nil, prefix: String = "dev") async throws
    {
        let fleet = SampleFleet.devices(count: min(count, 10_000), seed: 7)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<16 {
                group.addTask {
                    for index in stride(from: lane, to: count, by: 16) {
                        var metadata = fleet[index % fleet.count].metadata
                        if index % 10_000 == 0 { metadata["type"] = "hub" }
                        metadata["serial"] = .int(Int64(index))
                        try await coordinator.register("\(prefix)-\(index)", metadata: metadata, ttl: ttl)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Times `body` `runs` times; returns per-run nanoseconds.
    static func time(runs: Int, _ body: () async throws -> Void) async rethrows -> Percentiles {
        var samples: [Double] = []
        for _ in 0..<runs {
            let start = Stopwatch.now()
            try await body()
            samples.append(Double(Stopwatch.now() - start))
        }
        return Percentiles(samples)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
