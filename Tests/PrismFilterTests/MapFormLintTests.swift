import Testing

@testable import PrismFilter

@Suite("map-form keys that are probably a mistyped operator")
struct MapFormLintTests {
    @Test("an operator-like last segment is a warning with the key as meant; the filter stays valid")
    func warnings() throws {
        let source = """
            {"battery.less": 0.1, "$or": [{"floor.gtee": 2}, {"name.startwith": "lab"}], "fw.Lt": "2"}
            """
        _ = try Filter(source)
        let warnings = MapFormLint.warnings(source)
        #expect(warnings.map(\.suggestion) == ["battery.lt", "floor.gte", "name.startswith", "fw.lt"])
        #expect(warnings.first?.column == 2)
        #expect(
            warnings.first?.description
                == "1:2: 'less' in key 'battery.less' is not an operator, so the key is a nested path compared "
                + "with ==; did you mean 'battery.lt'?")
    }

    @Test("real nested paths, real operators and text filters give none")
    func none() {
        for source in [
            #"{"location.floor": 1, "battery.lt": 0.2, "a.id": 1, "meta.tags.in": ["x"], "@id": "d-1"}"#,
            #"battery.less == 1"#, "{not json",
        ] {
            #expect(MapFormLint.warnings(source).isEmpty, "\(source)")
        }
    }
}
