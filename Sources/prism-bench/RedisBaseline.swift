import PrismRedis

/// Redis's own write rate on this machine, for the Redis registry's ratio.
enum RedisBaseline {
    /// Identities per second written the way DESIGN §7 measures Redis itself: HSET of the four fields +
    /// PEXPIRE + ZADD to a names set per identity, pipelined 1,000 identities at a time, 16 in flight.
    static func pipelinedRegistrationWrites(_ pool: RedisConnectionPool, identities: Int) async throws -> Double {
        let metadata = Array(String(repeating: "x", count: 200).utf8)
        let timestamp = Array("1795000000000".utf8)
        let batch = 1000
        let start = Stopwatch.now()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<16 {
                group.addTask {
                    for first in stride(from: lane * batch, to: identities, by: 16 * batch) {
                        var commands: [[[UInt8]]] = []
                        for index in first..<min(first + batch, identities) {
                            let name = Array("dev-\(index)".utf8)
                            let key = Array("prism-bench-raw:id:".utf8) + name
                            commands.append([
                                Array("HSET".utf8), key, [0x6D], metadata, [0x72], timestamp, [0x75], timestamp, [0x65],
                                timestamp,
                            ])
                            commands.append([Array("PEXPIRE".utf8), key, Array("60000".utf8)])
                            commands.append([Array("ZADD".utf8), Array("prism-bench-raw:ids".utf8), [0x30], name])
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

    /// Milliseconds for Redis to read and cjson-decode every identity of `namespace` in Lua, 2000 names
    /// per EVAL: the floor for any filter evaluated inside Redis, whatever the filter.
    static func decodingScan(_ pool: RedisConnectionPool, namespace: String) async throws -> (ms: Double, count: Int) {
        let script = """
            local names = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[1], '+', 'LIMIT', 0, 2000)
            local decoded = 0
            for _, name in ipairs(names) do
              local m = redis.call('HGET', ARGV[2] .. name, 'm')
              if m and cjson.decode(m) then decoded = decoded + 1 end
            end
            local next = ''
            if #names == 2000 then next = '(' .. names[#names] end
            return {next, decoded}
            """
        let start = Stopwatch.now()
        var from = "-"
        var count = 0
        while true {
            let reply = try await pool.command([
                "EVAL", script, "1", "prism:{\(namespace)}:ids", from, "prism:{\(namespace)}:id:",
            ])
            guard case .array(let parts) = reply, parts.count == 2, let next = parts[0].string,
                case .integer(let decoded) = parts[1]
            else { throw BenchError("unexpected reply to the decoding scan: \(reply)") }
            count += Int(decoded)
            if next.isEmpty { break }
            from = next
        }
        return (Double(Stopwatch.now() - start) / 1e6, count)
    }
}
