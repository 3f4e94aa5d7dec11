import PrismFilter

/// A deterministic fleet: the same count and seed give the same devices, names, places, firmware and
/// batteries, so a demo, a test and a benchmark can talk about the same devices.
public enum Fleet {
    /// A kind of device and how common it is in a fleet.
    struct Blueprint {
        var type: DeviceProfile.DeviceType
        var kind: String
        /// Short form in identity names.
        var tag: String
        var weight: Int
        var capabilities: [String]
        var drainPerHour: ClosedRange<Double>
        var battery: ClosedRange<Double>
    }

    static let blueprints: [Blueprint] = [
        Blueprint(
            type: .sensor, kind: "temperature", tag: "temp", weight: 30, capabilities: ["read", "temperature"],
            drainPerHour: 0.06...0.24, battery: 0.05...1.0),
        Blueprint(
            type: .sensor, kind: "humidity", tag: "hum", weight: 20, capabilities: ["read", "humidity"],
            drainPerHour: 0.06...0.24, battery: 0.05...1.0),
        Blueprint(
            type: .sensor, kind: "co2", tag: "co2", weight: 20, capabilities: ["read", "co2", "calibrate"],
            drainPerHour: 0.1...0.3, battery: 0.05...1.0),
        Blueprint(
            type: .actuator, kind: "valve", tag: "valve", weight: 12, capabilities: ["read", "actuate"],
            drainPerHour: 0.02...0.08, battery: 0.3...1.0),
        Blueprint(
            type: .actuator, kind: "relay", tag: "relay", weight: 10, capabilities: ["read", "actuate"],
            drainPerHour: 0.02...0.08, battery: 0.3...1.0),
        Blueprint(
            type: .gateway, kind: "gateway", tag: "gw", weight: 8, capabilities: ["bridge", "mesh"],
            drainPerHour: 0...0, battery: 1.0...1.0),
    ]

    /// Buildings and their floors (0 is the ground floor).
    static let buildings: [(name: String, floors: Int)] = [("HQ", 5), ("Lab", 3), ("Plant", 2)]

    /// About 40 % of devices start below 2.0, so an `update_firmware` has work to do.
    static let firmwareVersions: [(version: String, weight: Int)] = [
        ("1.4.2", 10), ("1.9.7", 15), ("1.10.0", 15), ("2.0.3", 30), ("2.1.0", 30),
    ]

    public static func generate(count: Int, seed: UInt64) -> [DeviceProfile] {
        var random = SplitMix64(seed: seed)
        let width = max(4, String(count).count)
        return (0..<count).map { index in
            let blueprint = pick(blueprints, weight: \.weight, using: &random)
            let building = buildings[Int.random(in: 0..<buildings.count, using: &random)]
            let floor = Int.random(in: 0..<building.floors, using: &random)
            let number = String(index + 1)
            let padded = String(repeating: "0", count: max(0, width - number.count)) + number
            return DeviceProfile(
                identity: "\(building.name.lowercased())-f\(floor)-\(blueprint.tag)-\(padded)",
                type: blueprint.type, kind: blueprint.kind, building: building.name, floor: floor,
                capabilities: blueprint.capabilities,
                firmware: pick(firmwareVersions, weight: \.weight, using: &random).version,
                battery: rounded(Double.random(in: blueprint.battery, using: &random)),
                drainPerHour: blueprint.drainPerHour.upperBound == 0
                    ? 0 : Double.random(in: blueprint.drainPerHour, using: &random),
                seed: random.next())
        }
    }

    static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    private static func pick<Element>(
        _ choices: [Element], weight: KeyPath<Element, Int>, using random: inout SplitMix64
    ) -> Element {
        let total = choices.reduce(0) { $0 + $1[keyPath: weight] }
        var roll = Int.random(in: 0..<total, using: &random)
        for choice in choices {
            roll -= choice[keyPath: weight]
            if roll < 0 { return choice }
        }
        return choices[choices.count - 1]
    }
}
