import Testing

@testable import PrismTop

@Suite("prism-top panes: detail, stale, stacked, help")
struct PaneRenderTests {
    @Test("the identity detail pane: TTL, registered and updated times, metadata pretty-printed, recent events")
    func identityDetail() {
        var state = Fixtures.state(view: .identities)
        _ = TopReducer.reduce(&state, .key(.down))
        _ = TopReducer.reduce(&state, .key(.enter))
        let text = TopRenderer.render(state, width: 80, height: 24).text
        #expect(text.contains("identity sensor-1  namespace iot"))
        #expect(text.contains("TTL         8s  expires 11:06:48 UTC"))
        #expect(text.contains("registered  11:04:35 UTC  (2m05s ago)"))
        #expect(text.contains("updated     11:06:00 UTC  (40s ago)"))
        #expect(text.contains(#"    "floor": 1,"#))
        #expect(text.contains(#"      "building": "HQ","#))
        #expect(text.contains("11:06:38  HEARTBEAT ×19"))
        #expect(text.contains("11:04:35  REGISTERED"))
        let events = text.components(separatedBy: "recent events")[1]
        #expect(events.firstRange(of: "HEARTBEAT")!.lowerBound < events.firstRange(of: "REGISTERED")!.lowerBound)
    }

    @Test("a detail pane that does not fit cuts the metadata, saying how much, and keeps the events")
    func shortPane() {
        var state = Fixtures.state(view: .identities)
        _ = TopReducer.reduce(&state, .key(.down))
        _ = TopReducer.reduce(&state, .key(.enter))
        let text = TopRenderer.render(state, width: 80, height: 15).text
        #expect(text.contains("more lines"))
        #expect(text.contains("REGISTERED"))
    }

    @Test("stale: no green ✓ HEALTHY, rows greyed with ? for health, a short reason on the last line")
    func stale() {
        let state = Fixtures.staleState()
        let grid = TopRenderer.render(state, width: 80, height: 24)
        let lines = grid.lines
        #expect(lines[0].hasSuffix("STALE 7s"))
        #expect(!grid.text.contains("✓ HEALTHY"))
        #expect(lines[4].hasPrefix("iot          ? HEALTHY   RUNNING   redis ?    nats ?"))
        #expect(lines[23] == "STALE since 11:06:41: cannot connect to prismd; showing the last data")
        for y in 4...5 {
            let roles = Set((0..<80).map { grid[$0, y].role })
            #expect(!roles.contains(.healthy) && !roles.contains(.degraded), "row \(y) has no health colour")
        }
        #expect(grid[0, 5].role == .dim)
        #expect(!lines[23].contains("Could not establish"))
        let batch = BatchWriter.text(state)
        #expect(batch.contains("STALE since 11:06:41: cannot connect to prismd"))
        let json = BatchWriter.json(state)
        #expect(json.contains(#""stale_reason":"cannot connect to prismd""#))
    }

    @Test("with no data yet, the short reason shows in the totals line")
    func unreachableAtStart() {
        var state = TopState(server: "127.0.0.1:1", namespace: "iot", interval: 1, now: Fixtures.now)
        _ = TopReducer.reduce(
            &state, .fetchFailed(FetchFailure(message: "long", reason: "cannot connect to prismd"), at: Fixtures.now))
        #expect(TopRenderer.render(state, width: 80, height: 24).lines[1] == "no data yet: cannot connect to prismd")
    }

    @Test("stacked panes are as tall as their content; the active filter and its match count show")
    func stacked() {
        var state = Fixtures.state(view: .identities)
        state.filter = #"type != "x""#
        let lines = TopRenderer.render(state, width: 132, height: 43).lines
        let patterns = lines.firstIndex(of: "1 Patterns")!
        let identities = lines.firstIndex { $0.hasPrefix("2 Identities") }!
        let multicast = lines.firstIndex(of: "3 Multicast")!
        #expect(identities - patterns == 5, "title, header, 2 rows, a blank line")
        #expect(multicast - identities == 6, "title, header, 3 rows, a blank line")
        #expect(lines[identities] == #"2 Identities  filter: type != "x"  3 match"#)
    }

    @Test("stacked panes share a short screen: the active view gets the rows the small ones leave")
    func layoutShares() {
        #expect(StackedLayout.heights(needs: [5, 6, 4], available: 40, preferring: 1) == [5, 6, 4])
        #expect(StackedLayout.heights(needs: [5, 200, 50], available: 40, preferring: 1) == [5, 22, 13])
        #expect(StackedLayout.heights(needs: [5, 200, 50], available: 40, preferring: 2) == [5, 13, 22])
    }

    @Test("the tab line shows the filter and its match count too")
    func tabFilter() {
        var state = Fixtures.state(view: .identities)
        state.filter = #"type != "x""#
        #expect(TopRenderer.render(state, width: 100, height: 24).lines[2].hasSuffix(#"filter: type != "x"  3 match"#))
    }

    @Test("? explains delivery %, p50 and p99, within 80 columns")
    func help() {
        var state = Fixtures.state()
        _ = TopReducer.reduce(&state, .key(.character("?")))
        let lines = TopRenderer.render(state, width: 80, height: 24).lines
        let text = lines.joined(separator: "\n")
        #expect(text.contains("delivery %    delivered / targets of the last minute"))
        #expect(text.contains("p50 p99       multicast latency"))
        #expect(text.contains("any key closes this help"))
        #expect(HelpScreen.lines.allSatisfy { DisplayWidth.of($0.0) <= 79 })
    }

    @Test("c shows the prompt with the metadata paths to choose from")
    func columnsPrompt() {
        var state = Fixtures.state()
        _ = TopReducer.reduce(&state, .key(.character("c")))
        _ = TopReducer.reduce(&state, .key(.character("f")))
        let last = TopRenderer.render(state, width: 132, height: 24).lines[23]
        #expect(last.hasPrefix("columns: f  (comma-separated; Enter shows, Esc cancels) floor label location.building"))
    }
}
