import Foundation
import PrismClient
import Testing

/// prism-top against the real prismd, on a real terminal (tmux), and in batch mode.
@Suite("prism-top (real processes, tmux)", .serialized)
struct PrismTopEndToEndTests {
    @Test("live: health, an identity appearing, its TTL ticking and expiring, a multicast row, / filter, resize, q")
    func interactive() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        let usedTmux = try await Tmux.with(width: 120, height: 40) { tmux in
            let top = PrismProcess.productsDirectory.appendingPathComponent("prism-top").path
            try await tmux.type("LANG=C.UTF-8 \(top) --server \(prismd.grpc) -d 0.5; echo prism-top-exited-$?")
            try await tmux.send("Enter")
            try await tmux.waitFor("the namespace as HEALTHY") { $0.contains("default") && $0.contains("✓ HEALTHY") }
            #expect(try await tmux.alternateScreenOn())

            #expect(try await prismd.prism(["register", "blinky", "--ttl", "4s", "--meta", "kind=lamp"]).status == 0)
            try await tmux.send("2")
            let first = try await tmux.waitFor("blinky with a TTL") { Self.ttl(of: "blinky", in: $0) != nil }
            let before = try #require(Self.ttl(of: "blinky", in: first))
            try await tmux.waitFor("the TTL counting down") { (Self.ttl(of: "blinky", in: $0) ?? before) < before }
            try await tmux.waitFor("blinky gone after expiry") { !$0.contains("blinky") }

            for (name, kind) in [("sensor-a", "sensor"), ("valve-b", "valve")] {
                #expect(try await prismd.prism(["register", name, "--meta", "type=\(kind)"]).status == 0)
            }
            let subscriber = try BackgroundProcess(
                "prism", ["subscribe", "sensor-a", "--ack", "--server", prismd.grpc])
            defer { subscriber.signal(SIGKILL) }
            try await subscriber.waitFor("subscribed to sensor-a", inStandardError: true)
            let multicast = try await prismd.prism([
                "multicast", "--filter", #"type == "sensor""#, "--payload", "read", "--ack", "--ack-timeout", "2s",
            ])
            #expect(multicast.status == 0, "\(multicast.standardError)")
            try await tmux.send("3")
            try await tmux.waitFor("the multicast row with 1 of 1 delivered") { screen in
                screen.split(separator: "\n").contains {
                    $0.contains(#"type == "sensor""#) && Self.counts($0) == [1, 1, 0, 0]
                }
            }

            try await tmux.send("2")
            try await tmux.waitFor("both identities") { $0.contains("sensor-a") && $0.contains("valve-b") }
            try await tmux.send("/")
            try await tmux.type(#"type == "valve""#)
            try await tmux.send("Enter")
            try await tmux.waitFor("the filter narrowing the list") {
                $0.contains("valve-b") && !$0.contains("sensor-a")
            }
            try await tmux.send("Enter")
            try await tmux.waitFor("valve-b's detail pane with its metadata and registration event") {
                $0.contains("identity valve-b") && $0.contains(#""type": "valve""#) && $0.contains("REGISTERED")
            }
            try await tmux.send("Escape")
            try await tmux.waitFor("the list again") { !$0.contains("identity valve-b") && $0.contains("valve-b") }

            try await tmux.resize(width: 50, height: 12)
            try await tmux.waitFor("the too-small notice") { $0.contains("terminal too small") }
            try await tmux.resize(width: 120, height: 40)
            try await tmux.waitFor("the dashboard again") { $0.contains("prism-top") && $0.contains("valve-b") }

            try await tmux.send("q")
            try await tmux.waitFor("prism-top's exit") { $0.contains("prism-top-exited-0") }
            #expect(try await tmux.alternateScreenOn() == false, "the terminal is restored")
            return tmux
        }
        #expect(await usedTmux.serverGone(), "the test's tmux server outlived the test")
        try await prismd.stop()
    }

    @Test("batch: --once text has no escape byte, JSON parses, --fail-on and an unreachable server set the exit code")
    func batch() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        #expect(try await prismd.prism(["register", "meter-1", "--meta", "kind=meter"]).status == 0)
        let top = { (arguments: [String]) in
            try await PrismProcess.run(["--server", prismd.grpc] + arguments, executable: "prism-top")
        }
        let text = try await top(["--once"])
        #expect(text.status == 0, "\(text.standardError)")
        #expect(!text.standardOutput.utf8.contains(0x1B))
        #expect(text.standardOutput.contains("== Identities"))
        #expect(text.standardOutput.contains("meter-1"))
        let json = try await top(["-n", "2", "-d", "0.25", "--output", "json", "--fail-on", "degraded"])
        #expect(json.status == 0, "\(json.standardError)")
        let lines = json.standardOutput.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["health"] as? String == "healthy")
            #expect((object["timestamp"] as? String)?.hasSuffix("Z") == true)
        }
        let usage = try await top(["--filter", "kind =="])
        #expect(usage.status == 2)
        #expect(usage.standardError.contains("--filter: column 8"))
        let unreachable = try await PrismProcess.run(["--server", "127.0.0.1:1", "--once"], executable: "prism-top")
        #expect(unreachable.status == 3)
        #expect(unreachable.standardError.contains("cannot reach prismd at 127.0.0.1:1"))
        try await prismd.stop()
    }

    @Test("Enter on a namespace follows it: its identities, and an identity's events from the new Watch stream")
    func followNamespace() async throws {
        var prismd = try await Prismd.start(
            config: """
                namespaces:
                  - name: alpha
                    slots:
                      registry: { backend: memory }
                      messaging: { backend: inproc }
                  - name: beta
                    slots:
                      registry: { backend: memory }
                      messaging: { backend: inproc }

                """)
        defer { prismd.process.signal(SIGKILL) }
        prismd.namespace = "beta"
        #expect(try await prismd.prism(["register", "in-beta-1", "--meta", "kind=lamp"]).status == 0)
        let usedTmux = try await Tmux.with(width: 120, height: 30) { tmux in
            let top = PrismProcess.productsDirectory.appendingPathComponent("prism-top").path
            try await tmux.type(
                "LANG=C.UTF-8 \(top) --server \(prismd.grpc) --namespace alpha -d 0.5; echo prism-top-exited-$?")
            try await tmux.send("Enter")
            try await tmux.waitFor("both namespaces") { $0.contains("alpha") && $0.contains("beta") }
            try await tmux.send("j")
            try await tmux.send("Enter")
            try await tmux.waitFor("beta followed, with its identity") {
                $0.contains("namespace beta") && $0.contains("in-beta-1")
            }
            // A Watch replay starts after revision 1, so the registration (beta's first event) is not in it;
            // a heartbeat now shows the new namespace's stream is live.
            #expect(try await prismd.prism(["heartbeat", "in-beta-1"]).status == 0)
            try await tmux.send("Enter")
            try await tmux.waitFor("the identity's detail pane with its heartbeat") {
                $0.contains("identity in-beta-1  namespace beta") && $0.contains("HEARTBEAT")
            }
            try await tmux.send("q")
            try await tmux.waitFor("prism-top's exit") { $0.contains("prism-top-exited-0") }
            return tmux
        }
        #expect(await usedTmux.serverGone(), "the test's tmux server outlived the test")
        try await prismd.stop()
    }

    @Test("stale: prismd gone, the rows are greyed with ? for health and a short reason, never ✓ HEALTHY")
    func stale() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        let usedTmux = try await Tmux.with(width: 100, height: 30) { tmux in
            let top = PrismProcess.productsDirectory.appendingPathComponent("prism-top").path
            try await tmux.type("LANG=C.UTF-8 \(top) --server \(prismd.grpc) -d 0.5; echo prism-top-exited-$?")
            try await tmux.send("Enter")
            try await tmux.waitFor("the namespace as HEALTHY") { $0.contains("default") && $0.contains("✓ HEALTHY") }
            prismd.process.signal(SIGKILL)
            let screen = try await tmux.waitFor("the stale state") {
                $0.contains("STALE since") && $0.contains("? HEALTHY")
            }
            #expect(!screen.contains("✓ HEALTHY"))
            #expect(screen.contains("cannot connect to prismd") || screen.contains("prismd unreachable"))
            try await tmux.send("q")
            try await tmux.waitFor("prism-top's exit") { $0.contains("prism-top-exited-0") }
            return tmux
        }
        #expect(await usedTmux.serverGone(), "the test's tmux server outlived the test")
    }

    @Test("batch: whole long names, --columns as columns and sort key, --view multicast prints only that view")
    func batchColumns() async throws {
        let prismd = try await Prismd.start()
        defer { prismd.process.signal(SIGKILL) }
        let names = (1...3).map { "lab-f2-relay-0\($0)-north-wing-cabinet-with-a-long-name" }
        for (number, name) in names.enumerated() {
            let outcome = try await prismd.prism([
                "register", name, "--meta", "kind=relay", "--meta", "floor=\(3 - number)",
            ])
            #expect(outcome.status == 0)
        }
        // Nobody subscribes, so the outcome is failures; what matters is the Multicast section on its own.
        _ = try await prismd.prism(["multicast", "--all", "--payload", "ping"])
        let top = { (arguments: [String]) in
            try await PrismProcess.run(["--server", prismd.grpc] + arguments, executable: "prism-top")
        }
        let text = try await top(["--once", "--columns", "floor,kind", "--sort", "floor"])
        #expect(text.status == 0, "\(text.standardError)")
        let rows = text.standardOutput.split(separator: "\n").filter { $0.hasPrefix("lab-f2-relay") }
        #expect(rows.count == 3)
        #expect(rows.first?.hasPrefix(names[2] + " ") == true, "sorted by floor, whole names")
        #expect(text.standardOutput.contains("FLOOR▼") || text.standardOutput.contains("FLOORv"))
        // prismd keeps the recent multicasts apart from the replay window and serves them with Stats.
        let recent = try await PrismClient.with(server: prismd.grpc) { client in
            try await client.stats().recentMulticasts
        }
        #expect(recent.count == 1)
        #expect(recent.first?.multicast.targetCount == 3)
        let multicast = try await top(["--once", "--view", "multicast"])
        #expect(multicast.status == 0, "\(multicast.standardError)")
        #expect(multicast.standardOutput.contains("== Multicast"))
        #expect(!multicast.standardOutput.contains("== Identities"))
        #expect(!multicast.standardOutput.contains("== Patterns"))
        try await prismd.stop()
    }

    /// The TTL column of `identity`'s row in seconds, when the row shows one under a minute.
    static func ttl(of identity: String, in screen: String) -> Int? {
        guard let line = screen.split(separator: "\n").first(where: { $0.hasPrefix(identity + " ") }) else {
            return nil
        }
        let fields = line.split(separator: " ")
        guard fields.count > 1, fields[1].hasSuffix("s"), let seconds = Int(fields[1].dropLast()) else { return nil }
        return seconds
    }

    /// TARGETS DELIVERED FAILED TIMEOUT of a multicast row.
    static func counts(_ line: Substring) -> [Int] {
        Array(line.split(separator: " ").dropFirst().prefix(4).compactMap { Int($0) })
    }
}
