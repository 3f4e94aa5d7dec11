import PrismFilter

/// Device metadata shaped like the IoT demo's (DESIGN §6), for filter benchmarks.
enum SampleFleet {
    static let kinds: [String: [String]] = [
        "sensor": ["temperature", "humidity", "co2"], "actuator": ["valve", "relay"], "gateway": ["gateway"],
    ]

    static func devices(count: Int, seed: UInt64) -> [(identity: String, metadata: JSONObject)] {
        var random = SplitMix64(seed: seed)
        let types = ["sensor", "sensor", "sensor", "actuator", "gateway"]
        return (0..<count).map { index in
            let type = types.randomElement(using: &random)!
            var metadata: JSONObject = [
                "type": .string(type),
                "kind": .string(kinds[type]!.randomElement(using: &random)!),
                "building": .string(["HQ", "B2", "B3", "LAB"].randomElement(using: &random)!),
                "floor": .int(Int64.random(in: 0...5, using: &random)),
                "firmware": .string(
                    "\(Int.random(in: 1...3, using: &random)).\(Int.random(in: 0...12, using: &random)).0"),
                "battery": .double(Double(Int.random(in: 0...100, using: &random)) / 100),
                "capabilities": .array(
                    ["read", "reboot", "update_firmware"].shuffled(using: &random).prefix(2).map {
                        .string($0)
                    }),
            ]
            if Bool.random(using: &random) {
                metadata["last_reading"] = .object(["value": .double(21.5), "unit": "C"])
            }
            return ("dev-\(index)", metadata)
        }
    }
}
