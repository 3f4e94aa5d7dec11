import ArgumentParser
import Dispatch
import Foundation
import PrismAPI
import PrismClient
import PrismCommandLine
import PrismDurations
import PrismSimulator

@main
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prism-iot-sim",
        abstract: "Play a fleet of IoT devices against prismd: register, heartbeat, take commands, ack.",
        discussion: """
            The fleet is the same for the same --devices and --seed: sensors (temperature, humidity, co2), \
            actuators (valve, relay) and gateways across buildings HQ, Lab and Plant, with metadata type, \
            kind, building, floor, firmware, battery, capabilities and last_reading.

            Commands are JSON payloads: {"command": "read"}, {"command": "reboot"}, \
            {"command": "update_firmware", "version": "2.1.0"}, {"command": "replace_battery"}. Each device \
            acks with a JSON reply, or with an error for what it cannot do.
              prism-iot-sim --devices 200
              prism multicast --filter 'floor == 1' --payload '{"command":"read"}' --ack

            Prints a status line every --status-every on stdout. Ctrl-C (or --duration) unregisters every \
            device and exits 0.
            """,
        version: PrismVersion.text)

    @Option(help: "How many devices.") var devices = 100
    @Option(
        help: ArgumentHelp(
            "prismd's gRPC address (default: $PRISM_SERVER, the context's, or 127.0.0.1:8980).",
            valueName: "host:port"))
    var server: String?
    @Option(
        help: ArgumentHelp(
            "The context whose server to use (default: $PRISM_CONTEXT, or the current context; see prism "
                + "context). The fleet's namespace is --namespace's.",
            valueName: "name"),
        completion: ContextFile.nameCompletion)
    var context: String?
    @Option(help: "The namespace the devices register in.") var namespace = "iot"
    @Option(
        help: ArgumentHelp("How often each device heartbeats (default 5s).", valueName: "duration"),
        transform: DurationArgument.parse)
    var heartbeat: Duration = .seconds(5)
    @Option(
        help: ArgumentHelp("Each device's TTL (default 15s).", valueName: "duration"), transform: DurationArgument.parse
    )
    var ttl: Duration = .seconds(15)
    @Option(help: "Share of devices silent at any time (long enough to expire), 0 to 0.5.") var churn = 0.02
    @Option(
        help: """
            How devices talk to prismd: session (one Session stream per \(SimulatorSettings.defaultDevicesPerLink) \
            devices, carrying registrations, heartbeats, commands and acks), grpc (unary calls and Subscribe \
            streams) or nats (commands straight from NATS).
            """)
    var via: Transport = .session
    @Option(name: .customLong("nats"), help: "NATS server for --via nats (repeatable).")
    var natsServers: [String] = []
    @Option(name: .customLong("nats-prefix"), help: "Subject prefix prismd's NATS slot uses.")
    var natsPrefix = "prism.multicast"
    @Option(help: "Fleet seed: the same seed gives the same devices.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Stop after this long.", valueName: "duration"), transform: DurationArgument.parse)
    var duration: Duration?
    @Option(
        name: .customLong("status-every"),
        help: ArgumentHelp("Status line interval (default 5s).", valueName: "duration"),
        transform: DurationArgument.parse)
    var statusEvery: Duration = .seconds(5)
    @Option(help: "gRPC connections to prismd (default: one per 2,500 devices, at most 4).") var connections: Int?

    enum Transport: String, ExpressibleByArgument, CaseIterable {
        case session, grpc, nats
    }

    func validate() throws {
        guard (1...100_000).contains(devices) else { throw ValidationError("--devices must be 1 to 100000") }
        guard heartbeat >= .milliseconds(100) else { throw ValidationError("--heartbeat must be at least 100ms") }
        guard heartbeat < ttl else {
            throw ValidationError(
                "--heartbeat (\(heartbeat.written)) must be shorter than --ttl "
                    + "(\(ttl.written)), or devices expire between heartbeats")
        }
        guard (0...0.5).contains(churn) else { throw ValidationError("--churn must be 0 to 0.5") }
        guard statusEvery >= .milliseconds(250) else { throw ValidationError("--status-every must be at least 250ms") }
        if let connections, !(1...64).contains(connections) {
            throw ValidationError("--connections must be 1 to 64")
        }
        if via != .nats, !natsServers.isEmpty { throw ValidationError("--nats needs --via nats") }
    }

    private var settingsVia: SimulatorSettings.Via {
        switch via {
        case .session: .session
        case .grpc: .grpc
        case .nats:
            .nats(servers: natsServers.isEmpty ? ["nats://127.0.0.1:4222"] : natsServers, subjectPrefix: natsPrefix)
        }
    }

    func run() async throws {
        // The fleet's namespace is its own (iot by default): a context's is for people, not devices.
        let server: String
        do {
            server = try ConnectionSettings.resolve(server: self.server, namespace: namespace, context: context).server
        } catch {
            printError("prism-iot-sim: \(error)")
            throw ExitCode(2)
        }
        let settings = SimulatorSettings(
            devices: devices, server: server, namespace: namespace, heartbeat: heartbeat, ttl: ttl, churn: churn,
            via: settingsVia,
            seed: seed, connections: connections)
        let simulator = try Simulator(settings: settings)
        let unregistered: Int
        do {
            unregistered = try await simulator.run {
                printError(
                    "prism-iot-sim: \(devices) devices (seed \(seed)) in namespace \(namespace) on \(server), "
                        + "commands via \(via.rawValue); Ctrl-C stops")
                // Whichever comes first: a signal, the end of --duration, or a status reader gone away.
                let reason = await withTaskGroup(of: String?.self) { group in
                    group.addTask { await StopRequests.next(after: duration) }
                    group.addTask { await Self.printStatus(of: simulator, every: statusEvery) }
                    group.addTask {
                        await Self.announceReady(simulator)
                        return nil
                    }
                    defer { group.cancelAll() }
                    for await reason in group {
                        if let reason { return reason }
                    }
                    return "stopped"
                }
                _ = Self.printStatusLine(
                    simulator.counters.snapshot(), devices: devices, previous: nil, interval: .zero)
                printError("prism-iot-sim: \(reason); unregistering \(devices) devices")
            }
        } catch let error as SimulatorError {
            throw ExitFailure("cannot start the fleet: \(error)")
        }
        printError("prism-iot-sim: unregistered \(unregistered) of \(devices) devices")
    }

    /// One line once every device has registered at least once: what scripts wait for (the status
    /// line's `registered` dips as soon as churn silences a device).
    static func announceReady(_ simulator: Simulator) async {
        let started = ContinuousClock.now
        let devices = simulator.profiles.count
        while simulator.counters.devicesEverRegistered < devices {
            guard (try? await Task.sleep(for: .milliseconds(50))) != nil else { return }
        }
        let elapsed = ContinuousClock.now - started
        printError("prism-iot-sim: all \(devices) devices registered in \(elapsed.written)")
    }

    /// Prints the status line every `interval` until cancelled (nil), or until standard output's reader
    /// has gone: then the fleet stops cleanly, as it does on SIGINT, rather than dying with every device
    /// still registered.
    static func printStatus(of simulator: Simulator, every interval: Duration) async -> String? {
        var previous: SimulatorStatus?
        while (try? await Task.sleep(for: interval)) != nil {
            let current = simulator.counters.snapshot()
            guard printStatusLine(current, devices: simulator.profiles.count, previous: previous, interval: interval)
            else { return "standard output was closed" }
            previous = current
        }
        return nil
    }

    /// Whether the line was written.
    static func printStatusLine(
        _ status: SimulatorStatus, devices: Int, previous: SimulatorStatus?, interval: Duration
    ) -> Bool {
        let time = Date().formatted(.iso8601.time(includingFractionalSeconds: false))
        let line = "\(time) " + status.line(devices: devices, since: previous, over: interval) + "\n"
        return StandardOutput.tryWrite(line)
    }

}

/// Prints its message and exits 1.
struct ExitFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
