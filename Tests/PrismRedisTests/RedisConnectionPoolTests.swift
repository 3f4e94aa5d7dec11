import PrismRedis
import PrismRegistry
import TestServers
import Testing

@Suite("hiredis connection pool against a real redis-server")
struct RedisConnectionPoolTests {
    @Test("a pipeline returns each reply in order; a command error does not break the connection")
    func pipeline() async throws {
        guard let (host, port) = SharedServers.redis() else { return }
        let pool = RedisConnectionPool(.init(host: host, port: port, connections: 2))
        let key = "prism-test:\(UInt64.random(in: 0...UInt64.max))"
        let replies = try await pool.pipeline([
            ["SET", key, "v\0bin"].map { Array($0.utf8) },
            ["GET", key].map { Array($0.utf8) },
            ["GET", key + ":missing"].map { Array($0.utf8) },
            ["HGET", key, "field"].map { Array($0.utf8) },
            ["INCR", key + ":n"].map { Array($0.utf8) },
            ["DEL", key, key + ":n"].map { Array($0.utf8) },
        ])
        #expect(replies[0] == .status("OK"))
        #expect(replies[1] == .bulk(Array("v\0bin".utf8)))
        #expect(replies[2] == .null)
        guard case .error(let message) = replies[3] else { throw ServerProcessError(description: "\(replies[3])") }
        #expect(message.hasPrefix("WRONGTYPE"))
        #expect(replies[4] == .integer(1))
        #expect(replies[5] == .integer(2))
        #expect(try await pool.command(["PING"]) == .status("PONG"))
    }

    @Test("Redis down: calls fail fast with UNAVAILABLE; back up: the pool recovers by itself")
    func outageAndRecovery() async throws {
        let server = try LoopbackServerProcess.redis()
        let pool = RedisConnectionPool(.init(host: "127.0.0.1", port: server.port, connections: 2))
        _ = try await pool.ping()
        server.stop()
        // Fail fast means "refused or closed", never a read that waited for the command timeout
        // (hiredis reports that as "Resource temporarily unavailable"); the latency is in the benchmarks.
        for _ in 0..<4 {
            do {
                _ = try await pool.ping()
                Issue.record("PING succeeded with Redis down")
            } catch {
                #expect(error.code == .unavailable)
                #expect((error.cause as? RedisFailure)?.address == "127.0.0.1:\(server.port)")
                #expect(!error.detailedMessage.contains("temporarily unavailable"), "\(error.detailedMessage)")
            }
        }
        try server.start()
        let deadline = ContinuousClock.now + .seconds(5)
        var recovered = false
        while ContinuousClock.now < deadline, !recovered {
            recovered = (try? await pool.ping()) != nil
            if !recovered { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(recovered)
    }
}
