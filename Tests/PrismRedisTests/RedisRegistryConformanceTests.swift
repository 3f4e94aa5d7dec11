import PrismRedis
import PrismRegistry
import PrismRegistryConformance
import TestServers
import Testing

@Suite("Redis registry: the shared RegistrySlot conformance suite, on a real redis-server")
struct RedisRegistryConformanceTests {
    @Test(arguments: RegistrySlotConformance.checkNames)
    func conformance(_ check: String) async throws {
        guard let (host, port) = SharedServers.redis() else { return }
        // A namespace of its own per check, so checks running at once on one Redis do not meet.
        let namespace = "conformance-\(UInt64.random(in: 0...UInt64.max))"
        let registry = RedisRegistry(pool: RedisConnectionPool(.init(host: host, port: port)), namespace: namespace)
        try await RegistrySlotConformance.run(check, on: registry)
    }
}
