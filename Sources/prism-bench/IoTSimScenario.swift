import ArgumentParser
import Foundation
import PrismAPI
import PrismClient
import PrismDurations
import Synchronization

/// The simulator at scale against a real prismd: what a fleet of N devices costs both processes, whether
/// the heartbeat rate holds, and how long an acked multicast to every device takes.
struct IoTSimScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iot-sim",
        abstract: "prism-iot-sim with --devices against prismd: CPU, memory, heartbeat rate, acked multicast to all.",
        discussion: """
            Starts prismd and prism-iot-sim (both beside this binary), waits until every device is registered,
            lets the heartbeats settle, samples CPU and resident memory of both processes over --measure, then
            times --multicasts acked multicasts of {"command":"read"} to all devices (gateways refuse reads: they
            answer FAILED with their reason, which counts as answered), and finally the simulator's Ctrl-C,
            which unregisters every device. With --via nats, prismd uses the NATS messaging slot on
            $PRISM_BENCH_NATS (default nats://127.0.0.1:4222) and the devices take commands from NATS directly.
            """)

    @Option(help: "Simulated devices.") var devices = 10_000
    @Option(help: "prismd's registry backend: memory or sqlite.") var backend = "sqlite"
    @Option(help: "Heartbeat interval in seconds.") var heartbeat = 5
    @Option(help: "Device TTL in seconds.") var ttl = 15
    @Option(help: "Seconds to sample CPU and heartbeats over.") var measure = 30
    @Option(help: "Acked multicasts to all devices.") var multicasts = 5
    @Option(help: "How the devices talk to prismd: session, grpc or nats (as prism-iot-sim --via).")
    var via = "session"
    @Flag(help: "Print JSON (always).") var json = false

    func validate() throws {
        guard ["session", "grpc", "nats"].contains(via) else {
            throw ValidationError("--via must be session, grpc or nats")
        }
    }

    func run() async throws {
        let nats = ProcessInfo.processInfo.environment["PRISM_BENCH_NATS"] ?? "nats://127.0.0.1:4222"
        let prismd = try PrismdProcess(
            registry: backend,
            messaging: via == "nats" ? "{ backend: nats, servers: [\"\(nats)\"] }" : "{ backend: inproc }")
        defer { prismd.stop() }
        let simulator = try SimulatorProcess(
            arguments: [
                "--devices", "\(devices)", "--server", prismd.grpc, "--namespace", "default", "--heartbeat",
                "\(heartbeat)s", "--ttl", "\(ttl)s", "--churn", "0", "--status-every", "1s", "--via", via,
            ] + (via == "nats" ? ["--nats", nats] : []))
        var report = JSONReport(scenario: "iot-sim")
        report.add("devices", devices)
        report.add("backend", .string(backend))
        report.add("heartbeat_s", heartbeat)
        report.add("via", .string(via))

        let started = Stopwatch.now()
        try await simulator.waitForStatus(timeout: .seconds(120)) { $0.registered == devices }
        report.add("all_registered_s", Double(Stopwatch.now() - started) / 1e9)

        // Two heartbeat periods, so every device is in its steady rhythm.
        try await Task.sleep(for: .seconds(heartbeat * 2))
        let servers = (prismd.usage, simulator.usage)
        let before = (servers.0.cpuSeconds, servers.1.cpuSeconds, simulator.status.heartbeats, Stopwatch.now())
        try await Task.sleep(for: .seconds(measure))
        let elapsed = Double(Stopwatch.now() - before.3) / 1e9
        report.add("heartbeats_per_second", Double(simulator.status.heartbeats - before.2) / elapsed)
        report.add("heartbeats_per_second_expected", Double(devices) / Double(heartbeat))
        report.add("prismd_cpu_percent", (servers.0.cpuSeconds - before.0) / elapsed * 100)
        report.add("simulator_cpu_percent", (servers.1.cpuSeconds - before.1) / elapsed * 100)
        report.add("prismd_rss_mib", servers.0.residentMiB)
        report.add("simulator_rss_mib", servers.1.residentMiB)
        report.add("call_errors", simulator.status.errors)

        try await PrismClient.with(server: prismd.grpc) { client in
            var latencies: [Double] = []
            var walls: [Double] = []
            var answered = Int.max
            var unanswered = 0
            var delivered = Int.max
            for _ in 0..<multicasts {
                let sent = Stopwatch.now()
                let response = try await client.multicast(
                    MulticastOptions(
                        filter: nil, all: true, payload: Array(#"{"command":"read"}"#.utf8),
                        contentType: "application/json",
                        ack: true, ackTimeout: .seconds(60)))
                walls.append(Double(Stopwatch.now() - sent) / 1e6)
                latencies.append(response.latency.swiftDuration / .milliseconds(1))
                // The worst run: every run answered at least this many, and at most this many never answered.
                answered = min(answered, Int(response.deliveredCount + response.failedCount))
                unanswered = max(unanswered, Int(response.timeoutCount + response.pendingCount))
                delivered = min(delivered, Int(response.deliveredCount))
                try await Task.sleep(for: .seconds(1))
            }
            report.add("multicast_delivered_min", delivered)
            report.add("multicast_answered_min", answered)
            report.add("multicast_unanswered_max", unanswered)
            report.add("multicast_ack_ms_median", Percentiles(latencies).median)
            report.add("multicast_ack_ms_max", Percentiles(latencies).value(at: 100))
            report.add("multicast_wall_ms_median", Percentiles(walls).median)

            // Every device below 9.0 reports its new firmware to prismd before it acks: a heavier command.
            let update = try await client.multicast(
                MulticastOptions(
                    filter: nil, all: true, payload: Array(#"{"command":"update_firmware","version":"9.0.0"}"#.utf8),
                    contentType: "application/json", ack: true, ackTimeout: .seconds(60)))
            report.add("update_firmware_delivered", Int(update.deliveredCount))
            report.add("update_firmware_ms", update.latency.swiftDuration / .milliseconds(1))
            let updated = try await client.enumeratePage(
                EnumerateOptions(filter: #"firmware == "9.0.0""#, pageSize: 1, includeMetadata: false))
            report.add("update_firmware_enumerated", Int(updated.totalCount))
        }

        let stopping = Stopwatch.now()
        let status = try await simulator.interrupt()
        report.add("shutdown_s", Double(Stopwatch.now() - stopping) / 1e9)
        report.add("simulator_exit", Int(status))
        report.print()
    }
}

/// prism-iot-sim as a child process, with its latest status line parsed.
final class SimulatorProcess: Sendable {
    struct Status: Sendable {
        var registered = 0
        var heartbeats = 0
        var errors = 0
    }

    /// The output read so far and the latest status line, shared with the pipe's reader.
    private final class StatusLines: Sendable {
        let latest = Mutex(Status())
        let partial = Mutex("")

        func append(_ text: String) {
            let lines: [Substring] = partial.withLock { buffer in
                buffer += text
                guard let end = buffer.lastIndex(of: "\n") else { return [] }
                let complete = buffer[..<end].split(separator: "\n")
                buffer = String(buffer[buffer.index(after: end)...])
                return complete
            }
            guard let line = lines.last else { return }
            latest.withLock { $0 = SimulatorProcess.parse(line) }
        }
    }

    private let process: Process
    private let lines = StatusLines()

    init(arguments: [String]) throws {
        let process = Process()
        process.executableURL = PrismdProcess.sibling("prism-iot-sim")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        self.process = process
        pipe.fileHandleForReading.readabilityHandler = { [lines] handle in
            lines.append(String(decoding: handle.availableData, as: UTF8.self))
        }
        try process.run()
    }

    var usage: ProcessUsage { ProcessUsage(pid: process.processIdentifier) }
    var status: Status { lines.latest.withLock { $0 } }

    func waitForStatus(timeout: Duration, _ done: (Status) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !done(status) {
            guard process.isRunning else { throw BenchError("prism-iot-sim exited (\(process.terminationStatus))") }
            guard ContinuousClock.now < deadline else {
                throw BenchError("prism-iot-sim: not there after \(timeout.written)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Ctrl-C: the simulator unregisters every device and exits; returns its exit status.
    func interrupt() async throws -> Int32 {
        kill(process.processIdentifier, SIGINT)
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    static func parse(_ line: Substring) -> Status {
        var status = Status()
        for field in line.split(separator: " ") {
            let parts = field.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Int(parts[1]) else { continue }
            switch parts[0] {
            case "registered": status.registered = value
            case "heartbeats": status.heartbeats = value
            case "errors": status.errors = value
            default: break
            }
        }
        return status
    }
}
