import PrismClient
import Synchronization

/// A fleet of simulated devices against one prismd: builds the fleet from the seed, subscribes every
/// device to its commands, then runs each device until ``stop()``.
public final class Simulator: Sendable {
    public let settings: SimulatorSettings
    public let profiles: [DeviceProfile]
    public let counters = SimulatorCounters()
    private let clients: [PrismClient]
    /// Each group's devices and the link their commands come by.
    private let groups: [(identities: [String], link: any CommandLink)]
    private let devices: [String: SimulatedDevice]
    private let running = Mutex<[Task<Void, Never>]>([])

    public init(settings: SimulatorSettings) throws {
        self.settings = settings
        let profiles = Fleet.generate(count: settings.devices, seed: settings.seed)
        self.profiles = profiles
        let clients = try (0..<max(1, settings.connections)).map { _ in
            try PrismClient(server: settings.server, namespace: settings.namespace)
        }
        let counters = self.counters
        let groups = stride(from: 0, to: profiles.count, by: max(1, settings.devicesPerLink)).map {
            Array(profiles[$0..<min(profiles.count, $0 + settings.devicesPerLink)])
        }
        let onInterruption: @Sendable () -> Void = { counters.streamDrops.add(1, ordering: .relaxed) }
        // Per group of devices: the link their commands come by, and the one their registry calls take.
        var groupLinks: [(commands: any CommandLink, registry: any RegistryLink)] = []
        switch settings.via {
        case .session:
            groupLinks = groups.indices.map { index in
                let link = SessionLink(client: clients[index % clients.count], onInterruption: onInterruption)
                return (link, link)
            }
        case .grpc:
            let links = clients.map { GRPCCommandLink(client: $0, onInterruption: onInterruption) }
            let registries = clients.map { UnaryRegistryLink(client: $0) }
            groupLinks = groups.indices.map { (links[$0 % links.count], registries[$0 % registries.count]) }
        case .nats(let servers, let subjectPrefix):
            let link = try NATSCommandLink(
                servers: servers, namespace: settings.namespace, subjectPrefix: subjectPrefix)
            let registries = clients.map { UnaryRegistryLink(client: $0) }
            groupLinks = groups.indices.map { (link, registries[$0 % registries.count]) }
        }
        self.clients = clients
        self.groups = zip(groups, groupLinks).map { group, links in (group.map(\.identity), links.commands) }
        var devices: [String: SimulatedDevice] = [:]
        for (index, group) in groups.enumerated() {
            for profile in group {
                devices[profile.identity] = SimulatedDevice(
                    profile: profile, client: clients[index % clients.count], registry: groupLinks[index].registry,
                    link: groupLinks[index].commands, settings: settings, counters: counters)
            }
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
        for group in groups {
            try await group.link.subscribe(group.identities, deliver: deliver)
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
        // Several groups share a link on NATS and with Subscribe streams: close each once.
        var closed: Set<ObjectIdentifier> = []
        for group in groups where closed.insert(ObjectIdentifier(group.link as AnyObject)).inserted {
            await group.link.close()
        }
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
