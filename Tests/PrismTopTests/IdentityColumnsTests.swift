import PrismFilter
import Testing

@testable import PrismTop

@Suite("prism-top identity columns")
struct IdentityColumnsTests {
    static func longNamesState(columns: [String] = [], width: Int = 132) -> TopState {
        var state = Fixtures.state(view: .identities)
        state.metadataColumns = columns
        _ = TopReducer.reduce(&state, .snapshot(Fixtures.longNames))
        return state
    }

    @Test("names are shown whole up to 48 columns, at 132 and at 80; longer ones while there is room, else cut with …")
    func wholeNames() {
        let long = "lab-f2-sensor-with-a-name-far-longer-than-anyone-should-ever-choose-01"
        for width in [80, 132] {
            let lines = TopRenderer.render(Self.longNamesState(), width: width, height: 24).lines
            for number in 1...4 {
                let name = "lab-f2-relay-0\(number)-north-wing-cabinet-\(number * 7)"
                #expect(lines.contains { $0.hasPrefix(name + " ") }, "\(name) whole at \(width) columns")
            }
        }
        let narrow = TopRenderer.render(Self.longNamesState(), width: 80, height: 24).lines
        #expect(narrow.contains { $0.hasPrefix(String(long.prefix(48))) && $0.contains("… ") && !$0.contains(long) })
        let wide = TopRenderer.render(Self.longNamesState(), width: 132, height: 24).lines
        #expect(wide.contains { $0.hasPrefix(long + " ") }, "the metadata gives up its room first")
        let short = TopRenderer.render(Fixtures.state(view: .identities), width: 80, height: 24).lines
        #expect(short[3].hasPrefix("IDENTITY▼      TTL"), "short names leave the width to the metadata")
    }

    @Test("chosen metadata fields are columns (numbers right-aligned, - when absent), left out of METADATA")
    func metadataColumns() {
        var state = Fixtures.state(view: .identities)
        state.metadataColumns = ["floor", "location.building"]
        let lines = TopRenderer.render(state, width: 100, height: 24).lines
        #expect(lines[3].contains("FLOOR LOCATION.BUILDING"))
        let sensor = try! #require(lines.first { $0.hasPrefix("sensor-1") })
        #expect(sensor.contains("    1 HQ "))
        #expect(sensor.contains("location.room=2.14 type=sensor"))
        #expect(!sensor.contains("floor="))
        #expect(!sensor.contains("building="))
        let valve = try! #require(lines.first { $0.hasPrefix("valve-2") })
        #expect(valve.contains("    - -"))
    }

    @Test("a metadata column sorts by its values, numbers as numbers")
    func sortByMetadata() {
        var state = Self.longNamesState(columns: ["battery"])
        state.sortColumn[.identities] = TopColumns.index(of: "battery", in: .identities, of: state)
        state.reversed[.identities] = true
        let rows = TopRenderer.render(state, width: 132, height: 24).lines.filter { $0.hasPrefix("lab-") }
        #expect(rows.first?.hasPrefix("lab-f2-relay-04") == true, "battery 0.9 first when reversed")
        #expect(rows.last?.hasPrefix("lab-f2-sensor") == true, "no battery sorts as absent, first ascending")
    }

    @Test("batch text (--once) has the whole names and the chosen columns, and --view prints only that view")
    func batch() {
        let state = Self.longNamesState(columns: ["kind"])
        let text = BatchWriter.text(state)
        #expect(text.contains("lab-f2-relay-03-north-wing-cabinet-21 "))
        #expect(text.contains("KIND"))
        let multicastOnly = BatchWriter.text(state, only: .multicast)
        #expect(multicastOnly.contains("== Multicast"))
        #expect(!multicastOnly.contains("== Patterns"))
        #expect(!multicastOnly.contains("== Identities"))
        #expect(multicastOnly.contains(#"type == "sensor""#))
    }

    @Test("metadata text: pairs without chosen paths, pretty lines, paths")
    func metadataText() {
        let object: JSONObject = ["a": ["b": 1, "c": "x"], "caps": ["read", "write"], "z": .null]
        #expect(MetadataText.pairs(object) == #"a.b=1 a.c=x caps=["read","write"] z=null"#)
        #expect(MetadataText.pairs(object, excluding: ["a.b", "caps"]) == "a.c=x z=null")
        #expect(MetadataText.paths(object) == ["a.b", "a.c", "caps", "z"])
        #expect(
            MetadataText.prettyLines(object) == [
                "{", #"  "a": {"#, #"    "b": 1,"#, #"    "c": "x""#, "  },", #"  "caps": ["read","write"],"#,
                #"  "z": null"#, "}",
            ])
    }
}
