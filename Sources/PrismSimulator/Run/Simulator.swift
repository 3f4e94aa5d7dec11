import PrismClient
import Synchronization

/// A fleet of simulated devices against one prismd: builds the fleet from the seed, subscribes every
/// device to its commands, then runs each device until ``stop()``.
public final class Simulator: Sendable {
    public let settings: SimulatorSettings
    public let profiles: [DeviceProfile]
    public let counters = SimulatorCounters()
    private let clients: [PrismClient]
    private let links: [any CommandLink]
    private let devices: [String: SimulatedDevice]
    private let running = Mutex<[Task<Void, Never>]>([])

    public init(settings: SimulatorSettings) throws {
        self.settings = settings
        profiles = Fleet.generate(count: settings.devices, seed: settings.seed)
        let clients = try (0..<max(1, settings.connections)).map { _ in
            try PrismClient(server: settings.server, namespace: settings.namespace)
        }
        switch settings.via {
        case .grpc:
            let counters = self.counters
            links = clients.map { client in
                GRPCCommandLink(client: client) { counters.streamDrops.add(1, ordering: .relaxed) }
            }
        case .nats(let servers, let subjectPrefix):
            links = [try NATSCommandLink(servers: servers, namespace: settings.namespace, subjectPrefix: subjectPrefix)]
        }
        self.clients = clients
        let heartbeats = clients.map { client in
            // Nobody waits for a heartbeat, and a TTL is seconds long: 50 ms of lingering costs nothing.
            CallBatcher<HeartbeatRenewal>(linger: .milliseconds(50)) { renewals throws(PrismClientError) in
                try await client.heartbeat(renewals)
            }
        }
        let counters = self.counters
        var devices: [String: SimulatedDevice] = [:]
        for (index, profile) in profiles.enumerated() {
            devices[profile.identity] = SimulatedDevice(
                profile: profile, client: clients[index % clients.count],
                heartbeats: heartbeats[index % clients.count], link: links[index % links.count], settings: settings,
                counters: counters)
        }
        self.devices = devices
    }

    /// Subscribes every device (throws when prismd or NATS cannot be reached), then starts them. Devices
    /// subscribe before they register, so no command sent after a device appears is missed.
    public func start() async throws {
        // Fails fast, with the reason, when prismd or the namespace is not there: with --via nats nothing
        // else would talk to prismd before the devices start failing to register.
        _ = try await clients[0].stats()
        let devices = self.devices
        let deliver: @Sendable (ReceivedCommand) -> Void = { command in
            guard let device = devices[command.identity] else { return }
            Task { await device.handle(command) }
        }
        let groups = stride(from: 0, to: profiles.count, by: max(1, settings.devicesPerLink)).map {
            profiles[$0..<min(profiles.count, $0 + settings.devicesPerLink)].map(\.identity)
        }
        for (index, group) in groups.enumerated() {
            try await links[index % links.count].subscribe(group, deliver: deliver)
        }
        // A large fleet registers over a few seconds (2,000 a second) rather than all at once.
        let spread = min(settings.heartbeat, .milliseconds(profiles.count / 2))
        let tasks = profiles.enumerated().map { index, profile in
            let device = devices[profile.identity]!
            let delay = spread * (Double(index) / Double(max(1, profiles.count)))
            return Task { await device.run(startDelay: delay) }
        }
        running.withLock { $0 = tasks }
    }

    /// Stops every device, unregisters them all (a clean exit leaves nothing to expire), and closes the
    /// connections. Returns how many unregistered.
    @discardableResult
    public func stop() async -> Int {
        let tasks = running.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        // Commands stop arriving first, then no device may register again, then they all leave.
        for link in links { await link.close() }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        for device in devices.values { await device.stop() }
        let unregistered = await withTaskGroup(of: Bool.self) { group in
            var count = 0
            var pending = devices.values.makeIterator()
            // At most 64 calls in flight: enough to finish 10,000 in a second or two.
            for _ in 0..<64 {
                guard let device = pending.next() else { break }
                group.addTask { await device.unregister() }
            }
            for await done in group {
                if done { count += 1 }
                if let device = pending.next() { group.addTask { await device.unregister() } }
            }
            return count
        }
        for client in clients { await client.close() }
        return unregistered
    }
}
