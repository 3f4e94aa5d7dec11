import PrismFilter
import PrismRegistry

/// Builds coordinators filled with the sample fleet for the registry scenarios.
enum RegistryFixtures {
    static func coordinator(settings: NamespaceSettings = NamespaceSettings(name: "bench")) async throws -> Coordinator
    {
        let coordinator = Coordinator(
            settings: settings, registry: MemoryRegistry(indexedFields: settings.indexedFields),
            messaging: InProcessMessaging(subscriberBufferSize: 1 << 20))
        try await coordinator.start(sweeping: false)
        return coordinator
    }

    /// Registers `count` devices; every 10,000th has type `hub` (so `type == "hub"` selects count/10,000).
    static func fill(_ coordinator: Coordinator, count: Int, ttl: Duration? = nil, prefix: String = "dev") async throws
    {
        let fleet = SampleFleet.devices(count: min(count, 10_000), seed: 7)
        for index in 0..<count {
            var metadata = fleet[index % fleet.count].metadata
            if index % 10_000 == 0 { metadata["type"] = "hub" }
            metadata["serial"] = .int(Int64(index))
            try await coordinator.register("\(prefix)-\(index)", metadata: metadata, ttl: ttl)
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
