import Foundation
import Testing

/// Two prismd processes on the Redis and NATS that `make test` starts: how Prism runs past one machine.
@Suite("two prismd on one Redis + one NATS (real processes)", .serialized)
struct SharedBackendsEndToEndTests {
    @Test("registrations through both are seen from either; a multicast from one reaches a subscriber on the other")
    func twoServers() async throws {
        guard let cluster = try await SharedCluster.start() else { return }
        defer { cluster.kill() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, server) in [cluster.first, cluster.second].enumerated() {
                group.addTask {
                    for number in 0..<10 {
                        let outcome = try await server.prism([
                            "register", "node-\(index)-\(number)", "--meta", "type=node", "--meta", "server=\(index)",
                        ])
                        #expect(outcome.status == 0, "\(outcome.standardError)")
                    }
                }
            }
            try await group.waitForAll()
        }
        for server in [cluster.first, cluster.second] {
            let listed = try await server.prism(["enumerate", "--filter", #"type == "node""#])
            #expect(listed.standardOutput.hasSuffix("20 of 20 identities\n"), "\(listed.standardOutput)")
        }
        let duplicate = try await cluster.second.prism(["register", "node-0-0"])
        #expect(duplicate.status == 1)
        #expect(duplicate.standardError.contains("already registered"))

        let subscriber = try BackgroundProcess(
            "prism",
            ["subscribe", "node-1-3", "--ack", "--server", cluster.second.grpc, "--namespace", cluster.namespace])
        try await subscriber.waitFor("subscribed to node-1-3", inStandardError: true)
        let acked = try await cluster.first.prism([
            "multicast", "--filter", #"type == "node" and server == 1 and @id == "node-1-3""#, "--payload", "ping",
            "--ack", "--ack-timeout", "5s",
        ])
        #expect(acked.status == 0, "\(acked.standardError)")
        #expect(acked.standardOutput.hasPrefix("targets=1 delivered=1 failed=0 timeout=0"), "\(acked.standardOutput)")
        try await subscriber.waitFor("node-1-3  ")
        // Nobody subscribes to the others: NATS' no-responders makes them FAILED before the 30 s deadline.
        let unheard = try await cluster.first.prism([
            "multicast", "--filter", #"server == 0"#, "--payload", "ping", "--ack", "--ack-timeout", "30s",
        ])
        #expect(unheard.status == 1)
        #expect(
            unheard.standardOutput.hasPrefix("targets=10 delivered=0 failed=10 timeout=0"), "\(unheard.standardOutput)")
        #expect(unheard.standardOutput.contains("no subscriber"))
        subscriber.signal(SIGTERM)
        try await cluster.stop()
    }

    @Test("TTL expiry with two prismd sweeping: each identity's EXPIRED is announced exactly once")
    func expiryAnnouncedOnce() async throws {
        guard let cluster = try await SharedCluster.start() else { return }
        defer { cluster.kill() }
        let watchers = try [cluster.first, cluster.second].map { server in
            try BackgroundProcess("prism", ["watch", "--server", server.grpc, "--namespace", cluster.namespace])
        }
        for watcher in watchers {
            try await watcher.waitFor("watching namespace \(cluster.namespace)", inStandardError: true)
        }
        let names = (0..<5).map { "blink-\($0)" }
        for (index, name) in names.enumerated() {
            let server = index % 2 == 0 ? cluster.first : cluster.second
            #expect(try await server.prism(["register", name, "--ttl", "1s"]).status == 0)
        }
        for name in names {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline,
                !watchers.contains(where: { $0.standardOutput.contains("EXPIRED  \(name)") })
            {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        // Two more sweep intervals: a second announcement would have shown up by now.
        try await Task.sleep(for: .milliseconds(500))
        for name in names {
            let announcements = watchers.map { watcher in
                watcher.standardOutput.split(separator: "\n").filter { $0.contains("EXPIRED  \(name)") }.count
            }
            #expect(announcements.reduce(0, +) == 1, "\(name): \(announcements)")
        }
        for watcher in watchers { watcher.signal(SIGTERM) }
        try await cluster.stop()
    }

    @Test("the message is really on NATS: a nats-py device subscribed to its subject gets it with Prism's headers")
    func rawNATSDevice() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["PRISM_TEST_PYTHON"] else {
            Issue.record("PRISM_TEST_PYTHON is not set: run `make test`, which installs nats-py")
            return
        }
        guard let cluster = try await SharedCluster.start() else { return }
        defer { cluster.kill() }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "python/nats_device.py")
        let subject = "prism.multicast.\(cluster.namespace).meter-9"
        let device = try BackgroundProcess(python, [script.path, cluster.nats, subject, "1"])
        try await device.waitFor("ready")
        #expect(try await cluster.first.prism(["register", "meter-9", "--meta", "kind=meter"]).status == 0)
        let multicast = try await cluster.second.prism([
            "multicast", "--filter", #"kind == "meter""#, "--payload", #"{"command":"read"}"#, "--ack", "--ack-timeout",
            "5s",
        ])
        #expect(multicast.status == 0, "\(multicast.standardError)")
        #expect(multicast.standardOutput.hasPrefix("targets=1 delivered=1"), "\(multicast.standardOutput)")
        let line = try await device.waitFor("\"subject\"")
        let json = try #require(line.split(separator: "\n").first { $0.hasPrefix("{") })
        let received = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(received["subject"] as? String == subject)
        #expect(received["payload"] as? String == #"{"command":"read"}"#)
        #expect(received["has_reply"] as? Bool == true)
        let headers = try #require(received["headers"] as? [String: String])
        #expect(headers["Prism-Namespace"] == cluster.namespace)
        // The payload is JSON, so its content type defaults to application/json.
        #expect(headers["Content-Type"] == "application/json")
        #expect(headers["Prism-Message-Id"]?.isEmpty == false)
        #expect(headers["Prism-Multicast-Id"]?.isEmpty == false)
        #expect(try await device.waitForExit() == 0)
        try await cluster.stop()
    }
}

/// Two prismd configured for one namespace (unique per test) on the shared Redis and NATS.
struct SharedCluster {
    let namespace: String
    let nats: String
    let first: Prismd
    let second: Prismd

    /// Records an issue and returns nil when `make test` did not start the servers.
    static func start(sourceLocation: SourceLocation = #_sourceLocation) async throws -> SharedCluster? {
        let environment = ProcessInfo.processInfo.environment
        guard let redis = environment["PRISM_TEST_REDIS"], let nats = environment["PRISM_TEST_NATS"] else {
            Issue.record(
                "PRISM_TEST_REDIS / PRISM_TEST_NATS are not set: run `make test`, which starts redis-server and nats-server",
                sourceLocation: sourceLocation)
            return nil
        }
        let namespace = "shared-\(UInt32.random(in: 0...UInt32.max))"
        let config = """
            namespaces:
              - name: \(namespace)
                sweep_interval: 100ms
                slots:
                  registry:  { backend: redis, address: "\(redis)" }
                  messaging: { backend: nats, servers: ["\(nats)"] }
            """
        var first = try await Prismd.start(config: config, extraArguments: ["--log-level", "info"])
        var second = try await Prismd.start(config: config, extraArguments: ["--log-level", "info"])
        first.namespace = namespace
        second.namespace = namespace
        return SharedCluster(namespace: namespace, nats: nats, first: first, second: second)
    }

    func stop() async throws {
        #expect(try await first.stop() == 0)
        #expect(try await second.stop() == 0)
    }

    func kill() {
        first.process.signal(SIGKILL)
        second.process.signal(SIGKILL)
    }
}
