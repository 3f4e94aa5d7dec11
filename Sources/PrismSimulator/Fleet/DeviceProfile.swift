/// What a device is and where it sits: fixed for its whole life. What changes (firmware, battery,
/// readings) is ``DeviceState``.
public struct DeviceProfile: Sendable, Equatable {
    public enum DeviceType: String, Sendable, CaseIterable {
        case sensor, actuator, gateway
    }

    public let identity: String
    public let type: DeviceType
    /// temperature, humidity, co2 (sensors); valve, relay (actuators); gateway.
    public let kind: String
    public let building: String
    public let floor: Int
    public let capabilities: [String]
    /// At power-on.
    public let firmware: String
    /// At power-on, 0.0–1.0; mains-powered devices (gateways) stay at 1.0.
    public let battery: Double
    /// Share of a full battery used per hour.
    public let drainPerHour: Double
    /// Seeds the device's own readings and churn, so two runs with one seed behave alike.
    public let seed: UInt64

    public var hasBattery: Bool { drainPerHour > 0 }
    public var canRead: Bool { capabilities.contains("read") }
}
