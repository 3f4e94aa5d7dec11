import PrismFilter

/// What changes about a device while it runs: firmware, battery, readings. Pure and synchronous, so the
/// behaviour is unit-tested without a server; ``SimulatedDevice`` does the talking.
public struct DeviceState: Sendable {
    public let profile: DeviceProfile
    public private(set) var firmware: String
    public private(set) var battery: Double
    public private(set) var lastReading: Value?
    /// Where this device's readings hover (a warm room stays warm).
    private let baseline: Double
    private var random: SplitMix64

    public init(profile: DeviceProfile) {
        self.profile = profile
        firmware = profile.firmware
        battery = profile.battery
        var random = SplitMix64(seed: profile.seed)
        baseline = Self.baseline(for: profile.kind, using: &random)
        self.random = random
        // Sensors report as they register; actuators and gateways have no reading until asked.
        if profile.type == .sensor { lastReading = takeReading() }
    }

    /// Registration metadata: exactly the keys DESIGN §6 names (`last_reading` once there is one).
    public var metadata: JSONObject {
        var metadata: JSONObject = [
            "type": .string(profile.type.rawValue), "kind": .string(profile.kind),
            "building": .string(profile.building), "floor": .int(Int64(profile.floor)),
            "firmware": .string(firmware), "battery": .double(reportedBattery),
            "capabilities": .array(profile.capabilities.map(Value.string)),
        ]
        if let lastReading { metadata["last_reading"] = lastReading }
        return metadata
    }

    /// What a heartbeat renews besides the TTL.
    public var heartbeatPatch: JSONObject {
        var patch: JSONObject = ["battery": .double(reportedBattery)]
        if let lastReading { patch["last_reading"] = lastReading }
        return patch
    }

    /// Three decimals: a draining battery moves by a few thousandths per minute.
    public var reportedBattery: Double { (battery * 1000).rounded() / 1000 }

    /// Uses the battery for `elapsed` of running time; sensors take a fresh reading.
    public mutating func advance(by elapsed: Duration) {
        battery = max(0, battery - profile.drainPerHour * (elapsed / .seconds(3600)))
        if profile.type == .sensor { lastReading = takeReading() }
    }

    /// A uniform draw from the device's own generator (churn decisions, reboot lengths).
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &random) }

    /// Acts on a command: what to answer, and what the device must do before answering.
    public mutating func apply(_ command: DeviceCommand) -> CommandOutcome {
        switch command {
        case .read:
            guard profile.canRead else {
                return .failure("\(profile.identity) is a \(profile.kind): it takes no readings")
            }
            let reading = takeReading()
            lastReading = reading
            return CommandOutcome(
                reply: .object([
                    "identity": .string(profile.identity), "kind": .string(profile.kind), "value": reading,
                    "unit": .string(Self.unit(for: profile.kind)),
                ]),
                // The reply carries the reading; the registry gets it with the next heartbeat rather than a
                // call per read, which would double the cost of reading a whole fleet.
                effect: .none)
        case .reboot:
            return CommandOutcome(reply: .object(["status": "rebooting"]), effect: .reboot)
        case .updateFirmware(let version):
            let previous = firmware
            firmware = version
            return CommandOutcome(
                reply: .object(["firmware": .string(version), "previous": .string(previous)]),
                effect: previous == version ? .none : .report(["firmware": .string(version)]))
        case .replaceBattery:
            guard profile.hasBattery else {
                return .failure("\(profile.identity) is mains powered: it has no battery to replace")
            }
            let previous = battery
            battery = 1.0
            return CommandOutcome(
                reply: .object(["battery": .double(1.0), "previous": .double((previous * 1000).rounded() / 1000)]),
                effect: .report(["battery": .double(1.0)]))
        }
    }

    private mutating func takeReading() -> Value {
        switch profile.kind {
        case "temperature": .double(((baseline + uniform(-0.8...0.8)) * 10).rounded() / 10)
        case "humidity": .double(((baseline + uniform(-3...3)) * 10).rounded() / 10)
        case "co2": .int(Int64(baseline + uniform(-60...60)))
        case "valve": .int(Int64(uniform(0...100)))
        case "relay": .int(uniform(0...1) < 0.5 ? 0 : 1)
        default: .null
        }
    }

    private static func baseline(for kind: String, using random: inout SplitMix64) -> Double {
        switch kind {
        case "temperature": Double.random(in: 18...26, using: &random)
        case "humidity": Double.random(in: 30...65, using: &random)
        case "co2": Double.random(in: 450...1300, using: &random)
        default: 0
        }
    }

    static func unit(for kind: String) -> String {
        switch kind {
        case "temperature": "C"
        case "humidity": "%"
        case "co2": "ppm"
        case "valve": "% open"
        case "relay": "on"
        default: ""
        }
    }
}

/// How a device answers a command.
public struct CommandOutcome: Sendable, Equatable {
    public enum Effect: Sendable, Equatable {
        case none
        /// Report this metadata patch before acking, so whoever enumerates after the multicast sees it.
        case report(JSONObject)
        /// Ack, then go offline for a few seconds and register again.
        case reboot
    }

    /// Non-nil acks with an error: the sender sees FAILED and this text.
    public var error: String?
    public var reply: Value
    public var effect: Effect

    public init(error: String? = nil, reply: Value, effect: Effect) {
        self.error = error
        self.reply = reply
        self.effect = effect
    }

    public static func failure(_ reason: String) -> CommandOutcome {
        CommandOutcome(error: reason, reply: .null, effect: .none)
    }

    public var replyBytes: [UInt8] { reply == .null ? [] : Array(reply.jsonText.utf8) }
}
