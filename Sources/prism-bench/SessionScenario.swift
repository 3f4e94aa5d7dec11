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
        let (identities, window, patch, seconds) = (self.identities, self.window, self.patch, self.seconds)
        let gate = StartGate(parties: sessions)
        // Each session registers its identities, waits for the others, then heartbeats until the deadline.
        let (confirmed, failures, finished) = try await BenchClients.with(count: sessions, server: server) { clients in
            try await withThrowingTaskGroup(of: (sent: Int, failures: Int, finished: UInt64).self) { group in
                for (index, client) in clients.enumerated() {
                    group.addTask {
                        try await client.withSession { session in
                            for identity in 0..<identities {
                                try await session.register(
                                    "hb-\(index)-\(identity)", metadata: ["type": "sensor", "battery": 1.0],
                                    ttl: .seconds(300))
                            }
                            await gate.arrive()
                            let sent = try await Self.heartbeats(
                                on: session, index: index, identities: identities, window: window, patch: patch,
                                until: gate.openedAt + UInt64(seconds * 1e9))
                            let finished = Stopwatch.now()
                            session.close()
                            var failures = 0
                            for await _ in session.failures { failures += 1 }
                            return (sent, failures, finished)
                        }
                    }
                }
                return try await group.reduce((0, 0, UInt64(0))) {
                    ($0.0 + $1.sent, $0.1 + $1.failures, max($0.2, $1.finished))
                }
            }
        }
        let elapsed = Double(finished - gate.openedAt) / 1e9
        var report = JSONReport(scenario: "session-heartbeats")
        report.add("sessions", sessions)
        report.add("identities_per_session", identities)
        report.add("metadata_patch", .bool(patch))
        report.add("heartbeats", confirmed)
        report.add("heartbeats_per_second", Double(confirmed) / elapsed)
        report.add("failures", failures)
        report.print()
    }

    /// Heartbeats in windows of `window` (the last of each waits for prismd) until `deadline`; how many.
    private static func heartbeats(
        on session: PrismSession, index: Int, identities: Int, window: Int, patch: Bool, until deadline: UInt64
    ) async throws -> Int {
        var sent = 0
        while Stopwatch.now() < deadline {
            for _ in 0..<window - 1 {
                session.sendHeartbeat(
                    "hb-\(index)-\(sent % identities)", ttl: .seconds(300),
                    metadataPatch: patch ? ["battery": .double(Double(sent % 100) / 100)] : nil)
                sent += 1
            }
            try await session.heartbeat("hb-\(index)-0", ttl: .seconds(300))
            sent += 1
        }
        return sent
    }
}
