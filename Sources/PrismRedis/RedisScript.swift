import PrismRegistry
import Synchronization

/// A Lua script run by EVALSHA: loaded once per Redis (SCRIPT LOAD), loaded again when Redis answers
/// NOSCRIPT (after a restart or SCRIPT FLUSH).
final class RedisScript: Sendable {
    let source: String
    private let sha = Mutex<String?>(nil)

    init(_ source: String) { self.source = source }

    func run(on pool: RedisConnectionPool, keys: [String], arguments: [[UInt8]]) async throws(RegistryError)
        -> RedisReply
    {
        for _ in 0..<2 {
            let digest = try await loadedDigest(on: pool)
            let command =
                [Array("EVALSHA".utf8), Array(digest.utf8), Array(String(keys.count).utf8)]
                + keys.map { Array($0.utf8) } + arguments
            let reply = try await pool.pipeline([command])[0]
            if case .error(let message) = reply {
                if message.hasPrefix("NOSCRIPT") {
                    sha.withLock { $0 = nil }
                    continue
                }
                throw RedisFailure.refused(pool.address, message)
            }
            return reply
        }
        throw RedisFailure.refused(pool.address, "keeps forgetting Prism's scripts (NOSCRIPT)")
    }

    private func loadedDigest(on pool: RedisConnectionPool) async throws(RegistryError) -> String {
        if let digest = sha.withLock({ $0 }) { return digest }
        let reply = try await pool.command(["SCRIPT", "LOAD", source])
        guard let digest = reply.string, case .bulk = reply else {
            throw RedisFailure.unexpectedReply(pool.address, to: "SCRIPT LOAD", "\(reply)")
        }
        sha.withLock { $0 = digest }
        return digest
    }
}
