import Foundation
import PrismFilter
import PrismSimulator
import Testing

/// prism-iot-sim against a real prismd: the fleet registers, takes commands, acks with replies, and leaves
/// (cleanly on Ctrl-C, by TTL expiry when killed).
@Suite("prism-iot-sim against prismd (real processes)", .serialized)
struct SimulatorEndToEndTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardized

    static func filterFile(_ name: String) -> String {
        repository.appendingPathComponent("filters/\(name)").path
    }

    /// The fleet's identities a filter selects, worked out from the fleet's definition alone.
    static func expected(_ filterName: String, devices: Int, seed: UInt64) throws -> Set<String> {
        let text = try String(contentsOfFile: filterFile(filterName), encoding: .utf8)
        let filter = try Filter(FilterSource.stripComments(text))
        return Set(
            Fleet.generate(count: devices, seed: seed).filter {
                filter.matches(DeviceState(profile: $0).metadata, identity: $0.identity)
            }.map(\.identity))
    }

    /// The `statuses` of a `prism multicast --json`, by identity.
    static func statuses(_ output: String) throws -> [String: [String: Any]] {
        let object = try #require(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let statuses = object["statuses"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: statuses.map { ($0["identity"] as? String ?? "", $0) })
    }

    /// A status's reply, which the tools print as text when it is UTF-8 (the devices reply JSON).
    static func reply(_ status: [String: Any]) -> [String: Any]? {
        guard let text = status["reply"] as? String else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    static func startPrismd() async throws -> Prismd {
        var prismd = try await Prismd.start(
            config: """
                namespaces:
                  - name: iot
                    sweep_interval: 100ms
                    slots:
                      registry: { backend: sqlite }
                      messaging: { backend: inproc }
                """)
        prismd.namespace = "iot"
        return prismd
    }

    @Test("100 devices register; acked multicasts reach exactly the matching devices; killed, they expire by TTL")
    func fleetOverGRPC() async throws {
        let prismd = try await Self.startPrismd()
        let seed: UInt64 = 11
        let simulator = try BackgroundProcess(
            "prism-iot-sim",
            [
                "--devices", "100", "--server", prismd.grpc, "--namespace", "iot", "--heartbeat", "1s", "--ttl", "3s",
                "--churn", "0", "--seed", "\(seed)", "--status-every", "250ms",
            ])
        try await simulator.waitFor("registered=100 ")
        let all = try await prismd.prism(["enumerate"])
        #expect(all.standardOutput.hasSuffix("100 of 100 identities\n"), "\(all.standardOutput)")

        // `read` to floor-1 sensors: exactly those devices, each DELIVERED with a reading in its reply.
        let floorOne = try Self.expected("floor1-sensors.filter", devices: 100, seed: seed)
        #expect(!floorOne.isEmpty)
        let read = try await prismd.prism([
            "multicast", "--filter-file", Self.filterFile("floor1-sensors.filter"), "--payload", #"{"command":"read"}"#,
            "--ack", "--ack-timeout", "10s", "--json",
        ])
        #expect(read.status == 0, "\(read.standardError)")
        let readStatuses = try Self.statuses(read.standardOutput)
        #expect(Set(readStatuses.keys) == floorOne)
        for (identity, status) in readStatuses {
            #expect(status["status"] as? String == "delivered", "\(identity): \(status)")
            let reply = Self.reply(status)
            #expect(reply?["identity"] as? String == identity)
            #expect(reply?["value"] is NSNumber, "\(identity) replied \(String(describing: reply))")
        }

        // `update_firmware` to devices below 2.0: acked, and enumerate shows the new version at once.
        let outdated = try Self.expected("old-firmware.filter", devices: 100, seed: seed)
        let update = try await prismd.prism([
            "multicast", "--filter-file", Self.filterFile("old-firmware.filter"), "--payload",
            #"{"command":"update_firmware","version":"2.7.1"}"#, "--ack", "--ack-timeout", "10s", "--json",
        ])
        #expect(update.status == 0, "\(update.standardError)")
        let updateStatuses = try Self.statuses(update.standardOutput)
        #expect(Set(updateStatuses.keys) == outdated)
        #expect(updateStatuses.values.allSatisfy { $0["status"] as? String == "delivered" })
        let stillOld = try await prismd.prism(["enumerate", "--filter-file", Self.filterFile("old-firmware.filter")])
        #expect(stillOld.standardOutput.hasSuffix("0 of 0 identities\n"), "\(stillOld.standardOutput)")
        let updated = try await prismd.prism(["enumerate", "--filter", #"firmware == "2.7.1""#])
        #expect(
            updated.standardOutput.hasSuffix("\(outdated.count) of \(outdated.count) identities\n"),
            "\(updated.standardOutput)")

        // What a device cannot do comes back FAILED with its reason.
        let gateways = try await prismd.prism([
            "multicast", "--filter", #"type == "gateway""#, "--payload", #"{"command":"read"}"#, "--ack",
        ])
        #expect(gateways.status == 1)
        #expect(gateways.standardOutput.contains("delivered=0"), "\(gateways.standardOutput)")
        #expect(gateways.standardOutput.contains("takes no readings"))

        // A rebooting device answers, misses what comes while it is off, then registers again.
        let rebooter = try #require(readStatuses.keys.sorted().first)
        let reboot = try await prismd.prism([
            "multicast", "--filter", "@id == \"\(rebooter)\"", "--payload", #"{"command":"reboot"}"#, "--ack",
            "--show", "delivered",
        ])
        #expect(reboot.standardOutput.contains(#"{"status":"rebooting"}"#), "\(reboot.standardOutput)")
        let whileOff = try await prismd.prism([
            "multicast", "--filter", "@id == \"\(rebooter)\"", "--payload", #"{"command":"read"}"#, "--ack",
            "--ack-timeout", "500ms",
        ])
        #expect(
            whileOff.standardOutput.hasPrefix("targets=1 delivered=0 failed=0 timeout=1"), "\(whileOff.standardOutput)")
        try await simulator.waitFor("registrations=101 ")
        try await simulator.waitFor("missed=1 ")

        // Killed, the devices stay listed until their TTL passes, then every one EXPIRES.
        let watcher = try BackgroundProcess("prism", ["watch", "--server", prismd.grpc, "--namespace", "iot"])
        try await watcher.waitFor("watching namespace iot", inStandardError: true)
        simulator.signal(SIGKILL)
        _ = try await simulator.waitForExit()
        let afterKill = try await prismd.prism(["enumerate"])
        #expect(afterKill.standardOutput.hasSuffix("100 of 100 identities\n"), "\(afterKill.standardOutput)")
        let deadline = ContinuousClock.now + .seconds(30)
        var expired = 0
        while ContinuousClock.now < deadline {
            expired = watcher.standardOutput.split(separator: "\n").filter { $0.contains("  EXPIRED  ") }.count
            if expired >= 100 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(expired == 100, "\(watcher.standardOutput)")
        let afterExpiry = try await prismd.prism(["enumerate"])
        #expect(afterExpiry.standardOutput.hasSuffix("0 of 0 identities\n"), "\(afterExpiry.standardOutput)")
        watcher.signal(SIGTERM)
        #expect(try await prismd.stop() == 0)
    }

    @Test("prismd restarting: the simulator counts the outage, then registers and subscribes again by itself")
    func prismdRestart() async throws {
        var prismd = try await Self.startPrismd()
        let simulator = try BackgroundProcess(
            "prism-iot-sim",
            [
                "--devices", "20", "--server", prismd.grpc, "--heartbeat", "300ms", "--ttl", "2s", "--churn", "0",
                "--status-every", "250ms",
            ])
        try await simulator.waitFor("registered=20 ")
        #expect(try await prismd.stop() == 0)
        let output = try await simulator.waitFor("registered=0 ")
        let outage = output.count
        let outageLine = output.split(separator: "\n").first { $0.contains("registered=0 ") } ?? ""
        let errors = outageLine.split(separator: " ").first { $0.hasPrefix("errors=") }?.dropFirst(7)
        #expect((errors.flatMap { Int($0) } ?? 0) > 0, "the failed heartbeats are counted: \(outageLine)")
        try await simulator.waitFor("stream-drops=1", skipping: outage - outageLine.count - 1)
        let config = prismd.directory.appendingPathComponent("prism.yaml").path
        prismd = try await Prismd.start(
            directory: prismd.directory, extraArguments: ["--config", config, "--listen", prismd.grpc])
        prismd.namespace = "iot"
        try await simulator.waitFor("registered=20 ", skipping: outage)
        // The Subscribe streams reopen within a second of prismd's return; until then a read finds nobody.
        var answered = ""
        for _ in 0..<40 where !answered.hasPrefix("targets=20 ") || answered.contains("no subscriber") {
            try await Task.sleep(for: .milliseconds(250))
            answered = try await prismd.prism([
                "multicast", "--all", "--payload", #"{"command":"read"}"#, "--ack", "--ack-timeout", "5s",
            ]).standardOutput
        }
        #expect(answered.hasPrefix("targets=20 "), "\(answered)")
        #expect(!answered.contains("no subscriber") && answered.contains("timeout=0 "), "\(answered)")
        simulator.signal(SIGINT)
        #expect(try await simulator.waitForExit() == 0)
        #expect(try await prismd.stop() == 0)
    }

    @Test("with churn, devices go silent, expire, and come back")
    func churn() async throws {
        let prismd = try await Self.startPrismd()
        let watcher = try BackgroundProcess("prism", ["watch", "--server", prismd.grpc, "--namespace", "iot"])
        try await watcher.waitFor("watching namespace iot", inStandardError: true)
        let simulator = try BackgroundProcess(
            "prism-iot-sim",
            [
                "--devices", "20", "--server", prismd.grpc, "--heartbeat", "200ms", "--ttl", "600ms", "--churn", "0.5",
                "--status-every", "250ms",
            ])
        let expiredLine = try await watcher.waitFor("  EXPIRED  ")
            .split(separator: "\n").first { $0.contains("  EXPIRED  ") }
        let fields = try #require(expiredLine?.split(separator: " ", omittingEmptySubsequences: true))
        let identity = String(fields[2])
        // The same device registers again after its silence: a REGISTERED after the EXPIRED.
        let deadline = ContinuousClock.now + .seconds(20)
        var cameBack = false
        while !cameBack, ContinuousClock.now < deadline {
            let lines = watcher.standardOutput.split(separator: "\n")
            if let expiredAt = lines.firstIndex(where: { $0.contains("  EXPIRED  \(identity)  ") }) {
                cameBack = lines[expiredAt...].contains { $0.contains("  REGISTERED  \(identity)  ") }
            }
            if !cameBack { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(cameBack, "\(identity) did not register again: \(watcher.standardOutput)")
        simulator.signal(SIGINT)
        #expect(try await simulator.waitForExit() == 0)
        watcher.signal(SIGTERM)
        #expect(try await prismd.stop() == 0)
    }

    @Test("Ctrl-C unregisters every device before the simulator exits 0")
    func interruptUnregisters() async throws {
        let prismd = try await Self.startPrismd()
        let simulator = try BackgroundProcess(
            "prism-iot-sim",
            ["--devices", "40", "--server", prismd.grpc, "--churn", "0", "--status-every", "250ms"])
        try await simulator.waitFor("all 40 devices registered in ", inStandardError: true)
        try await simulator.waitFor("registered=40 ")
        simulator.signal(SIGINT)
        #expect(try await simulator.waitForExit() == 0)
        #expect(simulator.standardError.contains("unregistered 40 of 40 devices"), "\(simulator.standardError)")
        let after = try await prismd.prism(["enumerate"])
        #expect(after.standardOutput.hasSuffix("0 of 0 identities\n"), "\(after.standardOutput)")
        #expect(try await prismd.stop() == 0)
    }

    @Test("bad options and an unreachable prismd are clear errors")
    func errors() async throws {
        let short = try await PrismProcess.run(["--heartbeat", "20s", "--ttl", "15s"], executable: "prism-iot-sim")
        #expect(short.status == 64)
        #expect(short.standardError.contains("--heartbeat (20s) must be shorter than --ttl (15s)"))
        let unreachable = try await PrismProcess.run(
            ["--devices", "3", "--server", "127.0.0.1:1"], executable: "prism-iot-sim")
        #expect(unreachable.status == 1)
        #expect(unreachable.standardError.contains("cannot start the fleet: cannot reach prismd at 127.0.0.1:1"))
    }

    @Test("--via nats: devices take commands from NATS directly and ack by replying")
    func fleetOverNATS() async throws {
        guard let cluster = try await SharedCluster.start() else { return }
        defer { cluster.kill() }
        let simulator = try BackgroundProcess(
            "prism-iot-sim",
            [
                "--devices", "30", "--server", cluster.first.grpc, "--namespace", cluster.namespace, "--via", "nats",
                "--nats", cluster.nats, "--churn", "0", "--seed", "5", "--status-every", "250ms",
            ])
        try await simulator.waitFor("registered=30 ")
        let sensors = Set(Fleet.generate(count: 30, seed: 5).filter { $0.type == .sensor }.map(\.identity))
        let read = try await cluster.second.prism([
            "multicast", "--filter", #"type == "sensor""#, "--payload", #"{"command":"read"}"#, "--ack",
            "--ack-timeout",
            "10s", "--json",
        ])
        #expect(read.status == 0, "\(read.standardError)")
        let statuses = try Self.statuses(read.standardOutput)
        #expect(Set(statuses.keys) == sensors)
        #expect(statuses.values.allSatisfy { Self.reply($0)?["value"] is NSNumber }, "\(read.standardOutput)")
        try await simulator.waitFor("acked=\(sensors.count) ")
        simulator.signal(SIGINT)
        #expect(try await simulator.waitForExit() == 0)
        let after = try await cluster.first.prism(["enumerate"])
        #expect(after.standardOutput.hasSuffix("0 of 0 identities\n"), "\(after.standardOutput)")
        try await cluster.stop()
    }
}
