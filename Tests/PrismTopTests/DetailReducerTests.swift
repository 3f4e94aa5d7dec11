import Testing

@testable import PrismTop

@Suite("prism-top reducer: Enter, columns, following a namespace")
struct DetailReducerTests {
    @Test("Enter on an identity opens the selected row in sort order; Enter or Esc closes it")
    func identityDetail() {
        var state = Fixtures.state(view: .identities)
        // Sorted by identity: gw-3, sensor-1, valve-2.
        _ = TopReducer.reduce(&state, .key(.down))
        #expect(TopReducer.reduce(&state, .key(.enter)).isEmpty)
        #expect(state.inspectedIdentity == "sensor-1")
        _ = TopReducer.reduce(&state, .key(.enter))
        #expect(state.inspectedIdentity == nil)
        _ = TopReducer.reduce(&state, .key(.enter))
        _ = TopReducer.reduce(&state, .key(.escape))
        #expect(state.inspectedIdentity == nil)
        _ = TopReducer.reduce(&state, .key(.character("r")))
        _ = TopReducer.reduce(&state, .key(.home))
        _ = TopReducer.reduce(&state, .key(.enter))
        #expect(state.inspectedIdentity == "valve-2", "reversed, the first row is the last name")
        _ = TopReducer.reduce(&state, .key(.character("1")))
        #expect(state.inspectedIdentity == nil, "switching views closes the pane")
    }

    @Test("Enter on a namespace follows it: the Identities view, the old rows gone, a fetch asked for")
    func followNamespace() {
        var state = Fixtures.state()
        _ = TopReducer.reduce(&state, .key(.down))
        let effects = TopReducer.reduce(&state, .key(.enter))
        #expect(effects == [.follow(namespace: "lab"), .refreshNow])
        #expect(state.namespace == "lab")
        #expect(state.view == .identities)
        #expect(state.snapshot?.identities.isEmpty == true)
        #expect(state.snapshot?.multicasts.isEmpty == true)
        #expect(state.snapshot?.patterns.count == 2, "namespaces stay: they are the same for every namespace")
        _ = TopReducer.reduce(&state, .snapshot(Fixtures.snapshot))
        #expect(state.snapshot?.identities.isEmpty == true, "a snapshot of the namespace left behind is dropped")
        var lab = Fixtures.snapshot
        lab.namespace = "lab"
        _ = TopReducer.reduce(&state, .snapshot(lab))
        #expect(state.snapshot?.identities.count == 3)
        _ = TopReducer.reduce(&state, .key(.character("1")))
        _ = TopReducer.reduce(&state, .key(.down))
        #expect(TopReducer.reduce(&state, .key(.enter)).isEmpty, "following the namespace already followed")
    }

    @Test("c edits the metadata columns: Enter shows them, Esc leaves them; the sort stays on its column")
    func columns() {
        var state = Fixtures.state()
        _ = TopReducer.reduce(&state, .key(.character("c")))
        #expect(state.view == .identities)
        #expect(state.columnsDraft == "")
        for character in "floor, type" { _ = TopReducer.reduce(&state, .key(.character(character))) }
        #expect(state.columnsDraft == "floor, type", "keys are typed into the prompt, not obeyed")
        #expect(state.sortColumn[.identities] == nil)
        _ = TopReducer.reduce(&state, .key(.character(">")))
        _ = TopReducer.reduce(&state, .key(.backspace))
        _ = TopReducer.reduce(&state, .key(.enter))
        #expect(state.columnsDraft == nil)
        #expect(state.metadataColumns == ["floor", "type"])
        #expect(
            TopColumns.titles(of: .identities, in: state) == [
                "IDENTITY", "TTL", "AGE", "FLOOR", "TYPE", "NAMESPACE", "METADATA",
            ])
        _ = TopReducer.reduce(&state, .key(.character("<")))
        _ = TopReducer.reduce(&state, .key(.character(">")))
        _ = TopReducer.reduce(&state, .key(.character(">")))
        _ = TopReducer.reduce(&state, .key(.character(">")))
        #expect(state.sortColumn[.identities] == 3, "FLOOR is a sort key")
        _ = TopReducer.reduce(&state, .key(.character("c")))
        for character in ",battery" { _ = TopReducer.reduce(&state, .key(.character(character))) }
        _ = TopReducer.reduce(&state, .key(.escape))
        #expect(state.metadataColumns == ["floor", "type"])
        _ = TopReducer.reduce(&state, .key(.character("c")))
        for _ in 0..<20 { _ = TopReducer.reduce(&state, .key(.backspace)) }
        for character in "battery floor" { _ = TopReducer.reduce(&state, .key(.character(character))) }
        _ = TopReducer.reduce(&state, .key(.enter))
        #expect(state.metadataColumns == ["battery", "floor"])
        #expect(TopColumns.titles(of: .identities, in: state)[state.sortColumn[.identities]!] == "FLOOR")
    }

    @Test("column lists: commas or spaces, no repeats")
    func parseColumns() {
        #expect(
            TopReducer.parseColumns("floor,type  location.building,floor") == ["floor", "type", "location.building"])
        #expect(TopReducer.parseColumns(" , ").isEmpty)
    }
}
