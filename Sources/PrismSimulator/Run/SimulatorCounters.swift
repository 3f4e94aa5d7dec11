import Synchronization

/// What the fleet is doing, counted as it happens (devices update these; the status line reads them).
public final class SimulatorCounters: Sendable {
    /// Devices running normally (neither silent nor rebooting).
    let online = Atomic<Int>(0)
    /// Devices whose last register or heartbeat succeeded.
    let registered = Atomic<Int>(0)
    let silent = Atomic<Int>(0)
    let rebooting = Atomic<Int>(0)
    let registrations = Atomic<Int>(0)
    /// Devices that have registered at least once: the fleet is up when this reaches its size.
    let firstRegistrations = Atomic<Int>(0)
    let heartbeats = Atomic<Int>(0)
    /// Register, heartbeat or report calls that failed (prismd unreachable, say); the device retries.
    let callErrors = Atomic<Int>(0)
    let commandsReceived = Atomic<Int>(0)
    let commandsAcked = Atomic<Int>(0)
    /// Acked with an error: an unknown command, a gateway asked for a reading, ...
    let commandsRefused = Atomic<Int>(0)
    /// Arrived while the device was offline (silent or rebooting), so nobody answered.
    let commandsMissed = Atomic<Int>(0)
    /// Acks the link could not send (too late: the sender stopped waiting).
    let ackErrors = Atomic<Int>(0)
    /// Subscribe streams that ended or could not be opened again (prismd gone, say): commands sent
    /// meanwhile were missed.
    let streamDrops = Atomic<Int>(0)

    public init() {}

    public var devicesEverRegistered: Int { firstRegistrations.load(ordering: .relaxed) }

    public func snapshot() -> SimulatorStatus {
        SimulatorStatus(
            online: online.load(ordering: .relaxed), registered: registered.load(ordering: .relaxed),
            silent: silent.load(ordering: .relaxed), rebooting: rebooting.load(ordering: .relaxed),
            registrations: registrations.load(ordering: .relaxed), heartbeats: heartbeats.load(ordering: .relaxed),
            callErrors: callErrors.load(ordering: .relaxed),
            commandsReceived: commandsReceived.load(ordering: .relaxed),
            commandsAcked: commandsAcked.load(ordering: .relaxed),
            commandsRefused: commandsRefused.load(ordering: .relaxed),
            commandsMissed: commandsMissed.load(ordering: .relaxed), ackErrors: ackErrors.load(ordering: .relaxed),
            streamDrops: streamDrops.load(ordering: .relaxed))
    }
}

/// The counters at one moment.
public struct SimulatorStatus: Sendable, Equatable {
    public var online, registered, silent, rebooting: Int
    public var registrations, heartbeats, callErrors: Int
    public var commandsReceived, commandsAcked, commandsRefused, commandsMissed, ackErrors: Int
    public var streamDrops: Int

    /// One line: the state of the fleet, then totals; `rate` is heartbeats per second since `previous`.
    public func line(devices: Int, since previous: SimulatorStatus?, over interval: Duration) -> String {
        let seconds = interval / .seconds(1)
        let rate =
            previous.map { seconds > 0 ? Double(heartbeats - $0.heartbeats) / seconds : 0 } ?? 0
        return "devices=\(devices) online=\(online) registered=\(registered) silent=\(silent) "
            + "rebooting=\(rebooting) | registrations=\(registrations) heartbeats=\(heartbeats) "
            + "(\(Int(rate.rounded()))/s) errors=\(callErrors) | commands received=\(commandsReceived) "
            + "acked=\(commandsAcked) refused=\(commandsRefused) missed=\(commandsMissed) ack-errors=\(ackErrors) "
            + "stream-drops=\(streamDrops)"
    }
}
