import Foundation
import Testing

/// Session streams from a foreign client (Python grpcio): a device registers through its stream and
/// acks in-band with a reply; the ack reaches the sender's report even when the multicast came through
/// another prismd; and a cut stream ends its subscription.
@Suite("device Session streams (grpcio device, real prismd)", .serialized)
struct SessionEndToEndTests {
    @Test("a device registers on its session and acks in-band with a reply; cutting the stream unsubscribes it")
    func inBandAckAndCut() async throws {
        let prismd = try await Prismd.start(config: FrontDoorEndToEndTests.memoryConfig)
        defer { prismd.process.signal(SIGKILL) }
        let device = try Self.device(server: prismd.grpc, namespace: "default", identity: "py-dev-1")
        try await device.waitFor("registered py-dev-1")

        let acked = try await prismd.prism(Self.multicast(to: "py-dev-1"))
        #expect(acked.status == 0, "\(acked.standardError)")
        #expect(acked.standardOutput.hasPrefix("targets=1 delivered=1"), "\(acked.standardOutput)")
        #expect(acked.standardOutput.contains("reply-from-py-dev-1"), "\(acked.standardOutput)")
        try await device.waitFor("acked ")

        // A cut stream (the device killed, no goodbye): prismd ends the subscription, so the next
        // multicast finds nobody listening instead of waiting out its deadline.
        device.signal(SIGKILL)
        try await Self.expectNoSubscriber("py-dev-1", on: prismd)
    }

    @Test("a network cut (no FIN, no RST) is found by keepalive, and the session's subscription ends")
    func networkCutFoundByKeepalive() async throws {
        let prismd = try await Prismd.start(
            config: FrontDoorEndToEndTests.memoryConfig + "grpc: { keepalive: 1s, keepalive_timeout: 1s }\n")
        defer { prismd.process.signal(SIGKILL) }
        let proxy = try Self.python("freezing_proxy.py", [prismd.grpc])
        let listening = try await proxy.waitFor("proxy listening ")
        guard let port = listening.split(separator: " ").last?.split(separator: "\n").first else {
            Issue.record("unexpected proxy output: \(listening)")
            return
        }
        let device = try Self.device(server: "127.0.0.1:\(port)", namespace: "default", identity: "cut-dev")
        defer { device.signal(SIGKILL) }
        try await device.waitFor("registered cut-dev")
        let acked = try await prismd.prism(Self.multicast(to: "cut-dev"))
        #expect(acked.standardOutput.hasPrefix("targets=1 delivered=1"), "\(acked.standardOutput)")

        proxy.signal(SIGUSR1)
        try await proxy.waitFor("frozen")
        // Keepalive: a ping after 1 s of silence, unanswered for 1 s, closes the connection. A multicast
        // sent before that would wait out its deadline: the session looks alive until then.
        try await Task.sleep(for: .seconds(3))
        try await Self.expectNoSubscriber("cut-dev", on: prismd)
        proxy.signal(SIGKILL)
    }

    @Test("an in-band ack reaches the sender through the other prismd of a shared Redis + NATS pair")
    func ackThroughTheOtherServer() async throws {
        guard let cluster = try await SharedCluster.start() else { return }
        defer { cluster.kill() }
        let device = try Self.device(server: cluster.second.grpc, namespace: cluster.namespace, identity: "pair-dev")
        try await device.waitFor("registered pair-dev")

        let acked = try await cluster.first.prism(Self.multicast(to: "pair-dev"))
        #expect(acked.status == 0, "\(acked.standardError)")
        #expect(acked.standardOutput.hasPrefix("targets=1 delivered=1"), "\(acked.standardOutput)")
        #expect(acked.standardOutput.contains("reply-from-pair-dev"), "\(acked.standardOutput)")

        device.signal(SIGKILL)
        try await Self.expectNoSubscriber("pair-dev", on: cluster.first)
        try await cluster.stop()
    }

    static func device(server: String, namespace: String, identity: String) throws -> BackgroundProcess {
        try python("session_device.py", [server, namespace, identity])
    }

    /// A script from python/, running in the background with the test virtualenv.
    static func python(_ script: String, _ arguments: [String]) throws -> BackgroundProcess {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["PRISM_TEST_PYTHON"], let stubs = environment["PRISM_TEST_PYTHON_STUBS"] else {
            throw FrontDoorEndToEndTests.SetupError(
                "PRISM_TEST_PYTHON / PRISM_TEST_PYTHON_STUBS are not set: run `make test`")
        }
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "python/\(script)")
        return try BackgroundProcess(python, [path.path] + arguments, environment: ["PYTHONPATH": stubs])
    }

    static func multicast(to identity: String) -> [String] {
        [
            "multicast", "--filter", "@id == \"\(identity)\"", "--payload", "ping", "--ack", "--ack-timeout", "5s",
            "--show", "delivered",
        ]
    }

    /// Within seconds of the cut, an acked multicast reports the identity FAILED at once (nobody is
    /// subscribed) instead of TIMEOUT after its deadline.
    static func expectNoSubscriber(_ identity: String, on prismd: Prismd) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        var last = ""
        while ContinuousClock.now < deadline {
            let started = ContinuousClock.now
            let outcome = try await prismd.prism([
                "multicast", "--filter", "@id == \"\(identity)\"", "--payload", "ping", "--ack", "--ack-timeout", "3s",
            ])
            last = outcome.standardOutput + outcome.standardError
            if outcome.standardOutput.hasPrefix("targets=1 delivered=0 failed=1") {
                #expect(last.contains("no subscriber"), "\(last)")
                #expect(ContinuousClock.now - started < .seconds(2))
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("the cut session's subscription to \(identity) did not end: \(last)")
    }
}
