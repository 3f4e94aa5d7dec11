import PrismClient

/// A fleet of simulated devices against one prismd: builds the fleet from the seed, and ``run(_:)``
/// subscribes every device to its commands, then runs each device until its body returns.
public final class Simulator: Sendable {
    public let settings: SimulatorSettings
    public let profiles: [DeviceProfile]
    public let counters = SimulatorCounters()
    private let clients: [PrismClient]
    /// Each group's devices and the link their commands come by.
    private let groups: [(identities: [String], link: any CommandLink)]
    private let devices: [String: SimulatedDevice]

    public init(settings: SimulatorSettings) throws {
        self.settings = settings
        let profiles = Fleet.generate(count: settings.devices, seed: settings.seed)
        self.profiles = profiles
        let clients = try (0..<max(1, settings.connections)).map { _ in
            try PrismClient(server: settings.server, namespace: settings.namespace, tls: settings.tls)
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

    /// Runs the fleet while `body` runs, then stops every device and unregisters them all (a clean exit
    /// leaves nothing to expire). Returns how many unregistered.
    ///
    /// Throws ``SimulatorError/cannotStart(_:)`` when prismd or NATS cannot be reached: every device
    /// subscribes before any registers, so no command sent after a device appears is missed.
    public func run(_ body: () async -> Void) async throws -> Int {
        try await withThrowingTaskGroup(of: Void.self) { connections in
            for client in clients { connections.addTask { try await client.run() } }
            do {
                try await runDevices(body)
            } catch {
                await closeLinks()
                connections.cancelAll()
                throw error
            }
            await closeLinks()
            let unregistered = await unregisterAll()
            for client in clients { client.close() }
            try await connections.waitForAll()
            return unregistered
        }
    }

    private func runDevices(_ body: () async -> Void) async throws {
        // Fails fast, with the reason, when prismd or the namespace is not there: with --via nats nothing
        // else would talk to prismd before the devices start failing to register.
        do {
            _ = try await clients[0].stats()
        } catch {
            throw SimulatorError.cannotStart(error.description)
        }
        try await withThrowingTaskGroup(of: Void.self) { running in
            let (subscriptions, subscribed) = AsyncStream<Result<Void, any Error>>.makeStream()
            let devices = self.devices
            for group in groups {
                running.addTask {
                    do {
                        try await group.link.receive(
                            group.identities, deliver: { devices[$0.identity]?.deliver($0) },
                            subscribed: { subscribed.yield(.success(())) })
                    } catch {
                        subscribed.yield(.failure(error))
                    }
                }
            }
            var waiting = groups.count
            for await outcome in subscriptions {
                if case .failure(let error) = outcome {
                    throw SimulatorError.cannotStart("\(error)")
                }
                waiting -= 1
                if waiting == 0 { break }
            }
            subscribed.finish()
            // A large fleet registers over a few seconds (2,000 a second) rather than all at once.
            let spread = min(settings.heartbeat, .milliseconds(profiles.count / 2))
            for (index, profile) in profiles.enumerated() {
                let device = devices[profile.identity]!
                let delay = spread * (Double(index) / Double(max(1, profiles.count)))
                running.addTask { await device.run(startDelay: delay) }
            }
            await body()
            // No device may register again, then commands stop and the devices with them.
            for device in devices.values { await device.stop() }
            running.cancelAll()
        }
    }

    private func closeLinks() async {
        // Several groups share a link on NATS and with Subscribe streams: close each once.
        var closed: Set<ObjectIdentifier> = []
        for group in groups where closed.insert(ObjectIdentifier(group.link as AnyObject)).inserted {
            await group.link.close()
        }
    }

    private func unregisterAll() async -> Int {
        await withTaskGroup(of: Bool.self) { group in
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
    }
}

public enum SimulatorError: Error, CustomStringConvertible {
    /// prismd, the namespace or NATS could not be reached, or refused the fleet's subscriptions.
    case cannotStart(String)

    public var description: String {
        switch self {
        case .cannotStart(let reason): reason
        }
    }
}
