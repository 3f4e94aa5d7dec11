import Foundation
import TestServers
import Testing

/// gRPC's own health checking and server reflection, asked by grpcio's clients (grpcio-health-checking and
/// grpcio-reflection from PyPI), as Kubernetes probes, Envoy and grpcurl would ask.
@Suite("grpc.health.v1 and server reflection from grpcio")
struct GRPCConventionsEndToEndTests {
    /// `ops` keeps serving; `lab` is on a Redis of the test's own, which the test stops.
    static func config(redisPort: Int) -> String {
        """
        namespaces:
          - name: ops
            slots:
              registry: { backend: memory }
              messaging: { backend: inproc }
          - name: lab
            slots:
              registry: { backend: redis, address: "127.0.0.1:\(redisPort)" }
              messaging: { backend: inproc }

        """
    }

    @Test("health per namespace and as a whole, through a Redis outage; reflection lists, describes and calls the API")
    func healthAndReflection() async throws {
        let redis = try LoopbackServerProcess.redis()
        let prismd = try await Prismd.start(config: Self.config(redisPort: redis.port))
        defer { prismd.process.signal(SIGKILL) }
        let lab = "prism.registry.v1.MulticastRegistry/lab"
        #expect(try await Self.status(prismd, lab) == "SERVING")
        redis.stop()
        let outcome = try await FrontDoorEndToEndTests.python(
            "health_reflection_client.py", ["check", prismd.grpc, "ops", "lab"])
        #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("check ok"))
        try redis.start()
        #expect(try await Self.status(prismd, lab) == "SERVING", "recovers by itself once Redis is back")
    }

    private static func status(_ prismd: Prismd, _ service: String) async throws -> String {
        let outcome = try await FrontDoorEndToEndTests.python(
            "health_reflection_client.py", ["status", prismd.grpc, service])
        return outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) + outcome.standardError
    }

    @Test("reflection off in the configuration: UNIMPLEMENTED, while health still answers")
    func reflectionOff() async throws {
        let prismd = try await Prismd.start(
            config: FrontDoorEndToEndTests.memoryConfig + "grpc: { reflection: false }\n")
        defer { prismd.process.signal(SIGKILL) }
        let outcome = try await FrontDoorEndToEndTests.python(
            "health_reflection_client.py", ["no-reflection", prismd.grpc])
        #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
    }

    @Test("a graceful shutdown sends NOT_SERVING to health watchers before their stream ends")
    func shutdownFlipsHealth() async throws {
        let prismd = try await Prismd.start(config: FrontDoorEndToEndTests.memoryConfig)
        defer { prismd.process.signal(SIGKILL) }
        guard let python = ProcessInfo.processInfo.environment["PRISM_TEST_PYTHON"] else {
            Issue.record("PRISM_TEST_PYTHON is not set: run `make test`, which installs grpcio")
            return
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("python/health_reflection_client.py")
        let watcher = try BackgroundProcess(python, [script.path, "watch", prismd.grpc])
        try await watcher.waitFor("SERVING\n")
        #expect(try await prismd.stop() == 0)
        let output = try await watcher.waitFor("ended")
        #expect(output == "SERVING\nNOT_SERVING\nended UNAVAILABLE\n", "\(output)\(watcher.standardError)")
    }
}
