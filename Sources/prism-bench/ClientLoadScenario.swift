import ArgumentParser
import PrismAPI
import PrismClient

/// PrismClient under the load h2load puts on a server: the same connections and calls in flight, so
/// that `make bench-api` can set the Swift client's rate beside h2load's for one call on one server.
struct ClientLoadScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client-load",
        abstract: "Unary calls through PrismClient against a running prismd, as h2load -c C -m M would make them.",
        discussion: """
            Opens --connections PrismClients (one HTTP/2 connection each) and keeps --streams calls in
            flight on each for --seconds. 'get' reads --identity (it must exist); 'unregister' removes an
            identity that is not there. Prints one JSON object: calls/s and p50/p99 in microseconds.
            """)

    @Option(help: "prismd's gRPC address.") var server: String
    @Option(help: "get or unregister.") var call = "get"
    @Option(help: "The identity 'get' reads.") var identity = "bench-1"
    @Option(help: "Client connections.") var connections = 16
    @Option(help: "Calls in flight per connection.") var streams = 4
    @Option(help: "How long to run.") var seconds = 5.0
    @Option(help: "Each call's deadline in seconds (0: none, PrismClient's default).") var deadline = 0.0

    func validate() throws {
        guard ["get", "unregister"].contains(call) else { throw ValidationError("--call must be get or unregister") }
        guard connections > 0, streams > 0, seconds > 0, deadline >= 0 else {
            throw ValidationError("--connections, --streams and --seconds must be above zero, --deadline not below")
        }
    }

    func run() async throws {
        let callTimeout: Duration? = deadline > 0 ? .seconds(deadline) : nil
        let (call, identity, streams) = (self.call, self.identity, self.streams)
        let (samples, elapsed) = try await BenchClients.with(
            count: connections, server: server, callTimeout: callTimeout
        ) { clients in
            try await Self.load(clients: clients, call: call, identity: identity, streams: streams, seconds: seconds)
        }

        let percentiles = Percentiles(samples)
        var report = JSONReport(scenario: "client-load")
        report.add("call", .string(call))
        report.add("connections", connections)
        report.add("streams", streams)
        report.add("calls", samples.count)
        report.add("calls_per_second", Double(samples.count) / elapsed)
        report.add("p50_us", percentiles.median)
        report.add("p99_us", percentiles.value(at: 99))
        report.print()
    }
}

extension ClientLoadScenario {
    /// `streams` calls in flight on each client for `seconds`; per-call latencies (µs) and the time taken.
    private static func load(
        clients: [PrismClient], call: String, identity: String, streams: Int, seconds: Double
    ) async throws -> (samples: [Double], elapsed: Double) {
        // One call per connection first, so that connecting is not timed.
        for client in clients { _ = try? await client.get(identity) }
        let end = Stopwatch.now() + UInt64(seconds * 1e9)
        let start = Stopwatch.now()
        let samples = try await withThrowingTaskGroup(of: [Double].self) { group in
            for client in clients {
                for _ in 0..<streams {
                    group.addTask {
                        var latencies: [Double] = []
                        var index = 0
                        while Stopwatch.now() < end {
                            let started = Stopwatch.now()
                            if call == "get" {
                                _ = try await client.get(identity)
                            } else {
                                _ = try await client.unregister("absent-\(index)")
                            }
                            latencies.append(Double(Stopwatch.now() - started) / 1000)
                            index += 1
                        }
                        return latencies
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        return (samples, Double(Stopwatch.now() - start) / 1e9)
    }
}
