import ArgumentParser
import PrismClient
import PrismFilter

struct GRPCScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grpc",
        abstract: "The API over loopback gRPC against a real prismd: register, enumerate, acked multicast, RSS.",
        discussion: """
            Starts prismd (beside this binary) with the given registry backend, then:
            register --identities with --clients concurrent clients (one connection each);
            enumerate a selective page (type == "actuator" and floor == 2, 100 per page) from --clients clients;
            open --subscribers Subscribe streams that ack every message and multicast to them with ack;
            read prismd's resident memory after --rss-identities identities in all.
            """)

    @Option(help: "memory or sqlite.") var backend = "memory"
    @Option(help: "Identities registered for the throughput figure.") var identities = 50_000
    @Option(help: "Concurrent clients.") var clients = 16
    @Option(help: "Enumerate calls per client.") var enumerations = 500
    @Option(help: "Subscribe streams for the acked multicast.") var subscribers = 1000
    @Option(help: "Acked multicasts to time.") var multicasts = 5
    @Option(name: .customLong("rss-identities"), help: "Identities in prismd when its memory is read.")
    var rssIdentities = 100_000
    @Flag(help: "Print JSON (always).") var json = false

    func run() async throws {
        let prismd = try PrismdProcess(registry: backend)
        defer { prismd.stop() }
        try await BenchClients.with(count: clients, server: prismd.grpc) { connections in
            try await measure(prismd: prismd, connections: connections)
        }
    }

    private func measure(prismd: PrismdProcess, connections: [PrismClient]) async throws {
        var report = JSONReport(scenario: "grpc")
        report.add("backend", .string(backend))
        report.add("clients", clients)
        report.add("rss_mib_idle", prismd.residentMiB)

        // Near the transport's own ceiling on this machine: about the cheapest call there is (removing
        // an identity that is not there: no metadata, no event).
        let ceiling = try await Self.timedCalls(clients: connections, perClient: 1000) { client, task, index in
            _ = try await client.unregister("absent-\(task)-\(index)")
        }
        report.add("empty_calls_per_second", ceiling.perSecond)
        report.add("empty_call_us_p50", ceiling.p50)

        let fleet = SampleFleet.devices(count: 10_000, seed: 3)
        let registered = try await Self.timedCalls(clients: connections, perClient: identities / clients) {
            client, task, index in
            try await client.register(
                "dev-\(task)-\(index)", metadata: fleet[(task * 7919 + index) % fleet.count].metadata,
                ttl: .seconds(3600))
        }
        report.add("register_per_second", registered.perSecond)
        report.add("register_us_p50", registered.p50)
        report.add("register_us_p99", registered.p99)

        let query = EnumerateOptions(filter: #"type == "actuator" and floor == 2"#, pageSize: 100)
        let enumerated = try await Self.timedCalls(clients: connections, perClient: enumerations) { client, _, _ in
            _ = try await client.enumeratePage(query)
        }
        report.add("enumerate_per_second", enumerated.perSecond)
        report.add("enumerate_us_p50", enumerated.p50)
        report.add("enumerate_us_p99", enumerated.p99)
        // The same pages without metadata: the difference is the cost of google.protobuf.Struct.
        let namesOnly = EnumerateOptions(filter: query.filter, pageSize: query.pageSize, includeMetadata: false)
        let bare = try await Self.timedCalls(clients: connections, perClient: enumerations) { client, _, _ in
            _ = try await client.enumeratePage(namesOnly)
        }
        report.add("enumerate_no_metadata_per_second", bare.perSecond)
        report.add("enumerate_no_metadata_us_p50", bare.p50)
        report.add("enumerate_no_metadata_us_p99", bare.p99)

        let acked = try await Self.ackedMulticast(connections: connections, subscribers: subscribers, runs: multicasts)
        report.add("subscribers", subscribers)
        report.add("multicast_ack_ms_median", acked.median)
        report.add("multicast_ack_ms_max", acked.value(at: 100))

        let already = identities / clients * clients + subscribers
        let remaining = max(0, rssIdentities - already)
        _ = try await Self.timedCalls(clients: connections, perClient: remaining / clients) { client, task, index in
            try await client.register("fill-\(task)-\(index)", metadata: fleet[index % fleet.count].metadata)
        }
        report.add("rss_identities", already + remaining / clients * clients)
        report.add("rss_mib", prismd.residentMiB)
        report.print()
    }

    struct Timing {
        var perSecond: Double
        var p50: Double
        var p99: Double
    }

    /// Runs `perClient` calls on each client concurrently; per-call latency in microseconds.
    static func timedCalls(
        clients: [PrismClient], perClient: Int,
        _ call: @escaping @Sendable (PrismClient, Int, Int) async throws -> Void
    ) async throws -> Timing {
        let start = Stopwatch.now()
        let samples = try await withThrowingTaskGroup(of: [Double].self) { group in
            for (task, client) in clients.enumerated() {
                group.addTask {
                    var latencies: [Double] = []
                    latencies.reserveCapacity(perClient)
                    for index in 0..<perClient {
                        let started = Stopwatch.now()
                        try await call(client, task, index)
                        latencies.append(Double(Stopwatch.now() - started) / 1000)
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let elapsed = Double(Stopwatch.now() - start) / 1e9
        let percentiles = Percentiles(samples)
        return Timing(
            perSecond: Double(samples.count) / elapsed, p50: percentiles.median, p99: percentiles.value(at: 99))
    }

    /// Registers `subscribers` identities, opens one Subscribe stream each (spread over the clients)
    /// that acks every message, and times acked multicasts to all of them (milliseconds).
    static func ackedMulticast(connections: [PrismClient], subscribers: Int, runs: Int) async throws -> Percentiles {
        let names = (0..<subscribers).map { "sub-\($0)" }
        for (index, name) in names.enumerated() {
            try await connections[index % connections.count].register(name, metadata: ["group": "bench"])
        }
        return try await withThrowingTaskGroup(of: Void.self) { acknowledgers in
            let (subscriptions, subscribed) = AsyncStream<Void>.makeStream()
            for (index, name) in names.enumerated() {
                let client = connections[index % connections.count]
                acknowledgers.addTask {
                    try await client.subscribe([name]) { messages in
                        subscribed.yield()
                        for try await message in messages { try await client.ack(messageID: message.messageID) }
                    }
                }
            }
            var waiting = names.count
            for await _ in subscriptions {
                waiting -= 1
                if waiting == 0 { break }
            }
            defer { acknowledgers.cancelAll() }
            var latencies: [Double] = []
            for _ in 0..<runs {
                let start = Stopwatch.now()
                let response = try await connections[0].multicast(
                    MulticastOptions(
                        filter: #"group == "bench""#, payload: Array("ping".utf8), ack: true,
                        ackTimeout: .seconds(30)))
                latencies.append(Double(Stopwatch.now() - start) / 1e6)
                guard response.deliveredCount == subscribers else {
                    throw BenchError(
                        "acked multicast delivered \(response.deliveredCount) of \(subscribers) "
                            + "(timeout \(response.timeoutCount), failed \(response.failedCount))")
                }
            }
            return Percentiles(latencies)
        }
    }
}
