import Testing

@testable import PrismTop

@Suite("prism-top reducer")
struct ReducerTests {
    @Test("views switch by number and Tab; q quits; ? opens help and any key closes it")
    func views() {
        var state = Fixtures.state()
        _ = TopReducer.reduce(&state, .key(.character("2")))
        #expect(state.view == .identities)
        _ = TopReducer.reduce(&state, .key(.character("\t")))
        #expect(state.view == .multicast)
        _ = TopReducer.reduce(&state, .key(.character("?")))
        #expect(state.showingHelp)
        #expect(TopReducer.reduce(&state, .key(.character("x"))).isEmpty)
        #expect(!state.showingHelp)
        #expect(TopReducer.reduce(&state, .key(.character("q"))) == [.quit])
    }

    @Test("/ edits the filter: a parse error shows with its column; a filter that parses is applied live")
    func filterEditing() {
        var state = Fixtures.state()
        _ = TopReducer.reduce(&state, .key(.character("/")))
        #expect(state.view == .identities)
        var effects: [TopEffect] = []
        for character in "type ==" { effects = TopReducer.reduce(&state, .key(.character(character))) }
        #expect(effects.isEmpty)
        #expect(state.draft?.error != nil)
        #expect(state.draft?.errorColumn == 8)
        #expect(state.filter == "type ", "the last text that parsed (a bare path) stays applied")
        #expect(TopReducer.reduce(&state, .key(.enter)).isEmpty)
        #expect(state.draft != nil, "Enter does not close a filter that does not parse")
        for character in #" "valve""# { effects = TopReducer.reduce(&state, .key(.character(character))) }
        #expect(effects == [.applyFilter(#"type == "valve""#)])
        #expect(state.filter == #"type == "valve""#)
        _ = TopReducer.reduce(&state, .key(.enter))
        #expect(state.draft == nil)
    }

    @Test("sort moves with < and >, within the columns; r reverses; p pauses and keeps the rows")
    func sortAndPause() {
        var state = Fixtures.state()
        _ = TopReducer.reduce(&state, .key(.character("<")))
        #expect(state.sortColumn[.patterns] == 0)
        for _ in 0..<50 { _ = TopReducer.reduce(&state, .key(.character(">"))) }
        #expect(state.sortColumn[.patterns] == TopColumns.titles(of: .patterns, in: state).count - 1)
        _ = TopReducer.reduce(&state, .key(.character("r")))
        #expect(state.reversed[.patterns] == true)
        _ = TopReducer.reduce(&state, .key(.character("p")))
        #expect(state.liveness == "PAUSED")
        var newer = Fixtures.snapshot
        newer.patterns = []
        _ = TopReducer.reduce(&state, .snapshot(newer))
        #expect(state.snapshot?.patterns.count == 2, "paused rows stay still")
    }

    @Test("a failed fetch keeps the last snapshot and counts STALE seconds; the next success is LIVE")
    func stale() {
        var state = Fixtures.state()
        let failure = FetchFailure(
            message: "cannot reach prismd at 127.0.0.1:8980: a long transport message",
            reason: "cannot connect to prismd")
        _ = TopReducer.reduce(&state, .fetchFailed(failure, at: Fixtures.now))
        _ = TopReducer.reduce(&state, .tick(Fixtures.now + 7))
        #expect(state.liveness == "STALE 7s")
        #expect(state.staleReason == "cannot connect to prismd")
        #expect(state.lastError == failure.message)
        #expect(state.snapshot?.patterns.count == 2)
        _ = TopReducer.reduce(&state, .snapshot(Fixtures.snapshot))
        #expect(state.liveness == "LIVE")
        #expect(state.staleReason == nil)
    }

    @Test("selection moves with j/k and stays within the rows")
    func selection() {
        var state = Fixtures.state(view: .identities)
        for _ in 0..<10 { _ = TopReducer.reduce(&state, .key(.character("j"))) }
        #expect(state.selection[.identities] == 2)
        _ = TopReducer.reduce(&state, .key(.up))
        #expect(state.selection[.identities] == 1)
        _ = TopReducer.reduce(&state, .key(.home))
        #expect(state.selection[.identities] == 0)
    }
}
