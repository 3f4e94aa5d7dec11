import PrismRedis

/// Redis's own write rate on this machine, for the Redis registry's ratio.
enum RedisBaseline {
    /// Identities per second written as SET key value + PEXPIRE key ttl, pipelined.
    static func pipelinedSetWithExpiry(_ pool: RedisConnectionPool, identities: Int) async throws -> Double {
        let value = Array(String(repeating: "x", count: 200).utf8)
        let batch = 500
        let start = Stopwatch.now()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<16 {
                group.addTask {
                    for first in stride(from: lane * batch, to: identities, by: 16 * batch) {
                        var commands: [[[UInt8]]] = []
                        for index in first..<min(first + batch, identities) {
                            let key = Array("prism-bench-raw:\(index)".utf8)
                            commands.append([Array("SET".utf8), key, value])
                            commands.append([Array("PEXPIRE".utf8), key, Array("60000".utf8)])
                        }
                        _ = try await pool.pipeline(commands)
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = Double(Stopwatch.now() - start) / 1e9
        _ = try? await pool.command([
            "EVAL", "for _, k in ipairs(redis.call('KEYS', 'prism-bench-raw:*')) do redis.call('DEL', k) end", "0",
        ])
        return Double(identities) / elapsed
    }
}
