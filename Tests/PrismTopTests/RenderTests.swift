import Testing

@testable import PrismTop

@Suite("prism-top rendering")
struct RenderTests {
    @Test("80x24: header, totals with health symbols, tabs and the Patterns table")
    func standard() {
        let lines = TopRenderer.render(Fixtures.state(), width: 80, height: 24).lines
        #expect(lines[0].hasPrefix("prism-top  127.0.0.1:8980  namespace iot  every 1s  "))
        #expect(lines[0].hasSuffix("LIVE"))
        #expect(lines[1].hasPrefix("patterns 2 ✓1 !1 ✗0  identities 4  expiring<10s 1  multicasts/min 2.0  delivery"))
        let wide = TopRenderer.render(Fixtures.state(), width: 132, height: 24).lines
        #expect(wide[1].hasSuffix("delivery 90.0%  p50 12ms  p99 40ms"))
        #expect(lines[2] == "[1 Patterns]  2 Identities   3 Multicast")
        #expect(lines[3].hasPrefix("NAMESPACE▼   HEALTH      LIFECYCLE REGISTRY   MESSAGING  IDENTITIES"))
        #expect(lines[4].hasPrefix("iot          ✓ HEALTHY   RUNNING   redis ✓    nats ✓              3"))
        #expect(lines[5].hasPrefix("lab          ! DEGRADED  RUNNING   sqlite !   inproc ✓            1"))
        #expect(lines[23].hasPrefix("q quit  ? help"))
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 80 })
    }

    @Test("health is text and symbol with a role; ASCII mode has no non-ASCII symbol")
    func healthRoles() {
        var state = Fixtures.state()
        _ = TopReducer.reduce(&state, .key(.down))
        let grid = TopRenderer.render(state, width: 80, height: 24)
        #expect(grid[13, 4].role == .healthy)
        #expect(grid[13, 5].role == .selected, "the selection bar covers the row")
        let unselected = TopRenderer.render(Fixtures.state(), width: 80, height: 24)
        #expect(unselected[13, 5].role == .degraded)
        let ascii = TopRenderer.render(Fixtures.state(ascii: true), width: 80, height: 24).lines
        #expect(ascii[4].contains("+ HEALTHY"))
        #expect(ascii.joined().unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test("132x43 stacks the three views; wide characters take two cells and the rows still fit")
    func stackedWide() {
        let grid = TopRenderer.render(Fixtures.state(), width: 132, height: 43)
        let lines = grid.lines
        #expect(lines.contains("1 Patterns"))
        #expect(lines.contains("2 Identities"))
        #expect(lines.contains("3 Multicast"))
        let gateway = try! #require(lines.first { $0.hasPrefix("gw-3") })
        #expect(gateway.contains("label=温度センサー🌡 type=gateway"))
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 132 })
        let row = lines.firstIndex { $0.hasPrefix("gw-3") }!
        let column = (0..<132).first { grid[$0, row].character == "温" }!
        #expect(grid[column + 1, row].character == nil, "the second cell of a wide character")
    }

    @Test("TTL counts down with the clock and shows never or expired")
    func ttl() {
        var state = Fixtures.state(view: .identities)
        #expect(
            TopRenderer.render(state, width: 80, height: 24).lines.contains {
                $0.hasPrefix("sensor-1") && $0.contains(" 8s ")
            })
        _ = TopReducer.reduce(&state, .tick(Fixtures.now + 3))
        let lines = TopRenderer.render(state, width: 80, height: 24).lines
        #expect(lines.contains { $0.hasPrefix("sensor-1") && $0.contains(" 5s ") })
        #expect(lines.contains { $0.hasPrefix("valve-2") && $0.contains("never") })
        _ = TopReducer.reduce(&state, .tick(Fixtures.now + 9))
        #expect(TopRenderer.render(state, width: 80, height: 24).text.contains("expired"))
    }

    @Test("narrow terminals drop low-priority columns first; below 60x15 a notice, never a crash")
    func narrowAndTiny() {
        let narrow = TopRenderer.render(Fixtures.state(), width: 60, height: 15).lines
        #expect(narrow[3].contains("IDENTITIES"))
        #expect(!narrow[3].contains("PATTERN "))
        #expect(!narrow[3].contains("MC/MIN"))
        let tiny = TopRenderer.render(Fixtures.state(), width: 50, height: 12).lines
        #expect(tiny[0] == "terminal too small: 50x12, prism-top needs 60x15")
        for (width, height) in [(0, 0), (1, 1), (59, 40), (200, 14), (3, 100)] {
            let grid = TopRenderer.render(Fixtures.state(), width: width, height: height)
            #expect(grid.lines.count == height)
        }
    }

    @Test("the filter being typed shows its error and column in place")
    func filterError() {
        var state = Fixtures.state()
        _ = TopReducer.reduce(&state, .key(.character("/")))
        for character in "floor >" { _ = TopReducer.reduce(&state, .key(.character(character))) }
        let last = TopRenderer.render(state, width: 100, height: 24).lines[23]
        #expect(last.hasPrefix("/ floor >  ← "))
        #expect(last.contains("(column 8)"))
    }

    @Test("Enter on a multicast lists its failed targets")
    func details() {
        var state = Fixtures.state(view: .multicast)
        _ = TopReducer.reduce(&state, .key(.enter))
        let text = TopRenderer.render(state, width: 80, height: 24).text
        #expect(text.contains("sensor-9"))
        #expect(text.contains("no subscriber"))
    }
}
