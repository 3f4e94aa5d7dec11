import ArgumentParser
import PrismClient
import PrismFilter

/// Heartbeats over Session streams against a running prismd: the rate a fleet's gateways can renew at.
struct SessionScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session-heartbeats",
        abstract: "Heartbeats over --sessions Session streams (one connection each) against a running prismd.",
        discussion: """
            Each session registers --identities identities, then sends heartbeats without waiting for
            their results, round robin over its identities, for --seconds. Every --window heartbeats one
            waits for its result: prismd handles a session's requests in order, so that confirms all
            before it, and at most --window are in flight per session. Prints one JSON object with the
            confirmed heartbeats per second and any failures.
            """)

    @Option(help: "prismd's gRPC address.") var server: String
    @Option(help: "Session streams, each on its own connection.") var sessions = 16
    @Option(help: "Identities per session.") var identities = 100
    @Option(help: "How long to send heartbeats.") var seconds = 5.0
    @Option(help: "Heartbeats in flight per session.") var window = 1000
    @Flag(help: "Patch a metadata field (battery) with each heartbeat.") var patch = false

    func run() async throws {
        let clients = try (0..<sessions).map { _ in try PrismClient(server: server) }
        let sessions = clients.map { $0.openSession() }
        for (index, session) in sessions.enumerated() {
            for identity in 0..<identities {
                try await session.register(
                    "hb-\(index)-\(identity)", metadata: ["type": "sensor", "battery": 1.0], ttl: .seconds(300))
            }
        }
        let (identities, window, patch) = (self.identities, self.window, self.patch)
        let deadline = Stopwatch.now() + UInt64(seconds * 1e9)
        let start = Stopwatch.now()
        let confirmed = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, session) in sessions.enumerated() {
                group.addTask {
                    var sent = 0
                    while Stopwatch.now() < deadline {
                        for _ in 0..<window - 1 {
                            let name = "hb-\(index)-\(sent % identities)"
                            session.sendHeartbeat(
                                name, ttl: .seconds(300),
                                metadataPatch: patch ? ["battery": .double(Double(sent % 100) / 100)] : nil)
                            sent += 1
                        }
                        try await session.heartbeat("hb-\(index)-0", ttl: .seconds(300))
                        sent += 1
                    }
                    return sent
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = Double(Stopwatch.now() - start) / 1e9
        var failures = 0
        for session in sessions {
            await session.close()
            for await _ in session.failures { failures += 1 }
        }
        for client in clients { await client.close() }
        var report = JSONReport(scenario: "session-heartbeats")
        report.add("sessions", sessions.count)
        report.add("identities_per_session", identities)
        report.add("metadata_patch", .bool(patch))
        report.add("heartbeats", confirmed)
        report.add("heartbeats_per_second", Double(confirmed) / elapsed)
        report.add("failures", failures)
        report.print()
    }
}
