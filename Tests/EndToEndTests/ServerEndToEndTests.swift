import Foundation
import Testing

/// The real prismd driven by the real `prism`, as a user would.
@Suite("prismd + prism (real processes)", .serialized)
struct ServerEndToEndTests {
    @Test("the seed scenario: multicast to type == \"sensor\" and floor == 1 reaches sensor-1, acked")
    func seedScenario() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        for (name, meta) in [
            ("sensor-1", ["type=sensor", "floor=1"]), ("sensor-2", ["type=sensor", "floor=2"]),
            ("actuator-1", ["type=actuator", "floor=1"]),
        ] {
            let outcome = try await prismd.prism(["register", name] + meta.flatMap { ["--meta", $0] })
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(outcome.standardOutput.hasPrefix("registered \(name)"))
        }
        let subscriber = try BackgroundProcess("prism", ["subscribe", "sensor-1", "--ack", "--server", prismd.grpc])
        try await subscriber.waitFor("subscribed to sensor-1", inStandardError: true)
        let multicast = try await prismd.prism([
            "multicast", "--filter", #"type == "sensor" and floor == 1"#, "--payload", "read", "--ack", "--ack-timeout",
            "2s",
        ])
        #expect(multicast.status == 0, "\(multicast.standardError)")
        #expect(multicast.standardOutput.hasPrefix("targets=1 delivered=1 failed=0 timeout=0 pending=0 latency="))
        try await subscriber.waitFor("sensor-1  ")
        #expect(subscriber.standardOutput.contains("  read"))
        let json = try await prismd.prism(["multicast", "--filter", #"type == "actuator""#, "--payload", "x", "--json"])
        #expect(json.status == 1)
        #expect(json.standardOutput.contains(#""target_count":1"#))
        #expect(json.standardOutput.contains(#""failed_count":1"#))
        #expect(
            json.standardOutput.contains(
                #""statuses":[{"error":"no subscriber","identity":"actuator-1","reply":"","status":"failed"}]"#))
        let enumerate = try await prismd.prism(["enumerate", "--filter", "floor == 1"])
        #expect(enumerate.standardOutput.contains("actuator-1"))
        #expect(enumerate.standardOutput.contains("sensor-1"))
        #expect(enumerate.standardOutput.hasSuffix("2 of 2 identities\n"))
        subscriber.signal(SIGTERM)
        #expect(try await prismd.stop() == 0)
    }

    @Test("an identity's TTL runs out: enumerate stops showing it and watch reports EXPIRED")
    func ttlExpiry() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        let watcher = try BackgroundProcess("prism", ["watch", "--server", prismd.grpc])
        try await watcher.waitFor("watching namespace default", inStandardError: true)
        #expect(try await prismd.prism(["register", "short-lived", "--ttl", "1s", "--meta", "kind=probe"]).status == 0)
        #expect(try await prismd.prism(["enumerate"]).standardOutput.contains("short-lived"))
        try await watcher.waitFor("REGISTERED  short-lived")
        try await watcher.waitFor("EXPIRED  short-lived", timeout: .seconds(5))
        let after = try await prismd.prism(["enumerate"])
        #expect(!after.standardOutput.contains("short-lived"))
        #expect(after.standardOutput.hasSuffix("0 of 0 identities\n"))
        #expect(try await prismd.prism(["get", "short-lived"]).status == 1)
        watcher.signal(SIGTERM)
        try await prismd.stop()
    }

    @Test("kill -9 and restart: registrations without a TTL are back, expired ones are gone")
    func crashRestart() async throws {
        let first = try await Prismd.start()
        #expect(try await first.prism(["register", "durable", "--meta", "floor=3"]).status == 0)
        #expect(try await first.prism(["register", "fleeting", "--ttl", "1s"]).status == 0)
        first.process.signal(SIGKILL)
        _ = try await first.process.waitForExit()
        try await Task.sleep(for: .milliseconds(1200))
        let second = try await Prismd.start(directory: first.directory)
        defer { second.process.signal(SIGKILL) }
        let durable = try await second.prism(["get", "durable", "--json"])
        #expect(durable.status == 0, "\(durable.standardError)")
        #expect(durable.standardOutput.contains(#""floor":3"#))
        #expect(try await second.prism(["get", "fleeting"]).status == 1)
        try await second.stop()
    }

    @Test("bad filter, bad identity, oversize metadata: the documented error, and nothing changes")
    func badInput() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        #expect(try await prismd.prism(["register", "keeper"]).status == 0)
        let filter = try await prismd.prism(["enumerate", "--filter", "building == HQ"])
        #expect(filter.status == 2)
        #expect(filter.standardError.contains("1:13: strings must be quoted"))
        let identity = try await prismd.prism(["register", "has space"])
        #expect(identity.status == 2)
        #expect(identity.standardError.contains("INVALID_ARGUMENT"))
        let big = String(repeating: "x", count: 70_000)
        let oversize = try await prismd.prism(["register", "big", "--meta", "blob=\(big)"])
        #expect(oversize.status == 2)
        #expect(oversize.standardError.contains("64"))
        let duplicate = try await prismd.prism(["register", "keeper"])
        #expect(duplicate.status == 1)
        #expect(duplicate.standardError.contains("ALREADY_EXISTS"))
        let usage = try await prismd.prism(["register", "x", "--ttl", "30"])
        #expect(usage.status == 2)
        #expect(usage.standardError.contains("no unit after 30"))
        let conflict = try await prismd.prism(["register", "y", "--meta", "location=HQ", "--meta", "location.floor=1"])
        #expect(conflict.status == 2)
        #expect(conflict.standardError.contains("'location' already holds a value that is not an object"))
        #expect(try await prismd.prism(["enumerate"]).standardOutput.hasSuffix("1 of 1 identities\n"))
        let taken = try await PrismProcess.run(
            [
                "--listen", prismd.grpc, "--http", "127.0.0.1:0", "--data-dir",
                prismd.directory.appendingPathComponent("second").path,
            ],
            executable: "prismd")
        #expect(taken.status == 1)
        #expect(taken.standardError.contains("cannot listen for gRPC on \(prismd.grpc)"))
        try await prismd.stop()
    }

    @Test("an unreachable server exits 3 and names the address")
    func unreachable() async throws {
        let outcome = try await PrismProcess.run(["get", "x", "--server", "127.0.0.1:1"])
        #expect(outcome.status == 3)
        #expect(outcome.standardError.contains("cannot reach prismd at 127.0.0.1:1"))
    }

    @Test("a bad config stops prismd with the file, line, key path and reason")
    func badConfig() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prismd-config-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("prism.yaml")
        try """
        namespaces:
          - name: iot
            slots:
              registry: { backend: mongo }
              messaging: { backend: inproc }
        """.write(to: file, atomically: true, encoding: .utf8)
        let outcome = try await PrismProcess.run(
            ["--config", file.path, "--listen", "127.0.0.1:0"], executable: "prismd")
        #expect(outcome.status == 2)
        #expect(
            outcome.standardError.contains(
                "prism.yaml:4: namespaces[0].slots.registry.backend: unknown registry backend 'mongo'; "
                    + "supported registry backends: memory, sqlite, redis"))

        // The same file from $PRISM_CONFIG; a flag from the environment is named as such when it is bad.
        let fromEnvironment = try await PrismProcess.run(
            ["--listen", "127.0.0.1:0"], executable: "prismd", environment: ["PRISM_CONFIG": file.path])
        #expect(fromEnvironment.status == 2)
        #expect(fromEnvironment.standardError.contains("unknown registry backend 'mongo'"))
        let badListen = try await PrismProcess.run(
            [], executable: "prismd", environment: ["PRISM_CONFIG": file.path, "PRISM_LISTEN": "8980"])
        #expect(badListen.status != 0)
        #expect(badListen.standardError.contains("$PRISM_LISTEN '8980' is not HOST:PORT"), "\(badListen.standardError)")
    }
}
