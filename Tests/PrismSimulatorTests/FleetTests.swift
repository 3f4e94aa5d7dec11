import Foundation
import PrismFilter
import Testing

@testable import PrismSimulator

@Suite("Fleet: a deterministic fleet from a seed")
struct FleetTests {
    @Test("the same count and seed give the same fleet; another seed gives another")
    func deterministic() {
        #expect(Fleet.generate(count: 300, seed: 42) == Fleet.generate(count: 300, seed: 42))
        #expect(Fleet.generate(count: 300, seed: 42) != Fleet.generate(count: 300, seed: 43))
        // A larger fleet starts with the same devices, so `--devices` can grow without renaming any.
        #expect(Array(Fleet.generate(count: 500, seed: 42).prefix(300)) == Fleet.generate(count: 300, seed: 42))
    }

    @Test("metadata has exactly DESIGN §6's keys with their types and ranges")
    func metadataKeys() throws {
        for profile in Fleet.generate(count: 1000, seed: 7) {
            let metadata = DeviceState(profile: profile).metadata
            var expectedKeys: Set = ["type", "kind", "building", "floor", "firmware", "battery", "capabilities"]
            if profile.type == .sensor { expectedKeys.insert("last_reading") }
            #expect(Set(metadata.map(\.0)) == expectedKeys, "\(profile.identity)")
            guard case .string(let firmware)? = metadata["firmware"], case .double(let battery)? = metadata["battery"],
                case .int(let floor)? = metadata["floor"], case .array(let capabilities)? = metadata["capabilities"]
            else {
                Issue.record("\(profile.identity): wrong value types in \(metadata)")
                continue
            }
            #expect(DottedVersion(firmware) != nil)
            #expect((0...1).contains(battery))
            #expect(floor >= 0)
            #expect(!capabilities.isEmpty)
        }
    }

    @Test("a fleet mixes every type and kind across buildings and floors, with unique names")
    func mix() {
        let fleet = Fleet.generate(count: 1000, seed: 1)
        #expect(Set(fleet.map(\.identity)).count == 1000)
        #expect(Set(fleet.map(\.kind)) == ["temperature", "humidity", "co2", "valve", "relay", "gateway"])
        #expect(Set(fleet.map(\.building)) == ["HQ", "Lab", "Plant"])
        #expect(Set(fleet.map(\.floor)) == [0, 1, 2, 3, 4])
        #expect(fleet.filter { $0.type == .gateway }.allSatisfy { !$0.hasBattery && $0.battery == 1.0 })
        #expect(fleet.first?.identity.hasSuffix("-0001") == true)
    }

    /// The demo multicasts to these filters; each must select some of a 200-device fleet, and not all.
    @Test("every filter in filters/ selects some but not all of the demo's fleet")
    func exampleFilters() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../filters").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasSuffix(".filter")
        }
        #expect(files.count >= 6)
        let fleet = Fleet.generate(count: 200, seed: 1).map { ($0.identity, DeviceState(profile: $0).metadata) }
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let filter = try Filter(FilterSource.stripComments(text))
            let selected = fleet.filter { filter.matches($0.1, identity: $0.0) }.count
            #expect(selected > 0 && selected < fleet.count, "\(file) selects \(selected) of \(fleet.count)")
        }
    }
}
