import PrismFilter
import Testing

@testable import PrismSimulator

@Suite("Devices: commands and their effects")
struct DeviceBehaviourTests {
    static let fleet = Fleet.generate(count: 200, seed: 3)

    static func first(_ kind: String) throws -> DeviceProfile {
        try #require(fleet.first { $0.kind == kind })
    }

    @Test("payloads that are not a known command are refused with a reason")
    func parseErrors() throws {
        let cases: [(String, String)] = [
            ("read", "not JSON"),
            ("[1]", "JSON array, not an object"),
            (#"{"cmd": "read"}"#, #"no string "command""#),
            (#"{"command": "explode"}"#, "unknown command 'explode'; known: read, reboot"),
            (#"{"command": "update_firmware"}"#, #"needs a string "version""#),
            (#"{"command": "update_firmware", "version": "2.x"}"#, "'2.x' is not a dotted version"),
        ]
        for (payload, expected) in cases {
            #expect(throws: DeviceCommand.Rejection.self, "\(payload)") {
                try DeviceCommand.parse(Array(payload.utf8))
            }
            do {
                _ = try DeviceCommand.parse(Array(payload.utf8))
            } catch {
                #expect(error.description.contains(expected), "\(payload): \(error)")
            }
        }
        #expect(
            try DeviceCommand.parse(Array(#"{"command": "update_firmware", "version": "2.1.0"}"#.utf8))
                == .updateFirmware(version: "2.1.0"))
    }

    @Test("read replies with a reading in the kind's unit and keeps it as last_reading")
    func read() throws {
        var sensor = DeviceState(profile: try Self.first("co2"))
        let outcome = sensor.apply(.read)
        #expect(outcome.error == nil)
        guard case .object(let reply) = outcome.reply, case .int(let ppm)? = reply["value"] else {
            Issue.record("reply \(outcome.reply) has no integer value")
            return
        }
        #expect(reply["unit"] == "ppm")
        #expect((300...1500).contains(ppm))
        #expect(sensor.metadata["last_reading"] == .int(ppm))
        #expect(outcome.effect == .none, "the next heartbeat reports it")
        #expect(sensor.heartbeatPatch["last_reading"] == .int(ppm))

        var gateway = DeviceState(profile: try Self.first("gateway"))
        #expect(gateway.metadata["last_reading"] == nil, "gateways have no reading")
        #expect(gateway.apply(.read).error?.contains("takes no readings") == true)
    }

    @Test("update_firmware changes the firmware in the metadata and reports it; the same version changes nothing")
    func updateFirmware() throws {
        var device = DeviceState(profile: try Self.first("valve"))
        let outcome = device.apply(.updateFirmware(version: "3.0.1"))
        #expect(outcome.effect == .report(["firmware": "3.0.1"]))
        #expect(device.metadata["firmware"] == "3.0.1")
        #expect(device.apply(.updateFirmware(version: "3.0.1")).effect == .none)
    }

    @Test("batteries drain with time and a replace_battery recharges them; gateways have none")
    func battery() throws {
        var sensor = DeviceState(profile: try #require(Self.fleet.first { $0.type == .sensor && $0.battery > 0.5 }))
        let start = sensor.battery
        sensor.advance(by: .seconds(3600))
        #expect(sensor.battery < start)
        #expect(abs(start - sensor.battery - sensor.profile.drainPerHour) < 1e-9)
        let outcome = sensor.apply(.replaceBattery)
        #expect(outcome.error == nil)
        #expect(sensor.battery == 1.0)
        #expect(outcome.effect == .report(["battery": 1.0]))
        var drained = sensor
        drained.advance(by: .seconds(3600 * 1000))
        #expect(drained.battery == 0, "a battery stops at empty")

        var gateway = DeviceState(profile: try Self.first("gateway"))
        gateway.advance(by: .seconds(3600))
        #expect(gateway.battery == 1.0)
        #expect(gateway.apply(.replaceBattery).error?.contains("mains powered") == true)
    }

    @Test("reboot answers before going offline")
    func reboot() throws {
        var relay = DeviceState(profile: try Self.first("relay"))
        let outcome = relay.apply(.reboot)
        #expect(outcome.effect == .reboot)
        #expect(outcome.replyBytes == Array(#"{"status":"rebooting"}"#.utf8))
    }

    @Test("the status line counts the fleet and the heartbeat rate")
    func statusLine() {
        var previous = SimulatorCounters().snapshot()
        previous.heartbeats = 100
        var current = previous
        current.heartbeats = 300
        current.online = 5
        let line = current.line(devices: 5, since: previous, over: .seconds(2))
        #expect(line.contains("devices=5 online=5"))
        #expect(line.contains("heartbeats=300 (100/s)"))
    }
}
